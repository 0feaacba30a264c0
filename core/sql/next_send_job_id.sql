SELECT nextval('send_job_ids')
