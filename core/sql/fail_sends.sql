-- Queued mails that cannot go out (their employee left the roster meanwhile).
UPDATE sends SET state = 'failed', error = $error
WHERE job_id = $job_id AND state = 'queued' AND list_contains($send_ids, send_id)
