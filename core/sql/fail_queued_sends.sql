-- A stopped job: the mails it never sent fail with the reason.
UPDATE sends SET state = 'failed', error = $error WHERE job_id = $job_id AND state = 'queued'
