UPDATE send_jobs SET finished_at = $now, stopped = $stopped WHERE job_id = $job_id
