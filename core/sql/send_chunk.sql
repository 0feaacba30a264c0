-- The next request's recipients of job $job_id: its first $limit queued mails, with the
-- roster's current address and name (a corrected address is used, an inactive person skipped
-- by the runner).
SELECT s.position, s.send_id, s.employee_id, r.email, r.name, coalesce(r.active, false) AS active
FROM sends AS s
LEFT JOIN roster AS r USING (employee_id)
WHERE s.job_id = $job_id AND s.state = 'queued'
ORDER BY s.position
LIMIT $limit
