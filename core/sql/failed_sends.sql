-- The recipients of a job that SendGrid refused, with its message.
SELECT employee_id, error FROM sends WHERE job_id = $job_id AND state = 'failed'
ORDER BY position
