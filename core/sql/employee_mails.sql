-- One person's mails of $campaign, oldest first.
SELECT s.send_id, s.job_id, j.segment, s.state, s.queued_at, s.accepted_at, s.x_message_id,
       s.error
FROM sends AS s
JOIN send_jobs AS j USING (job_id)
WHERE s.campaign = $campaign AND s.employee_id = $employee_id
ORDER BY s.queued_at, s.job_id
