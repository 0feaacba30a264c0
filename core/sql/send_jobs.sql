-- The send jobs of $campaign with their recipients by state, newest first.
SELECT j.job_id, j.segment, j.requested_by, j.created_at, j.finished_at, j.stopped,
       count(*) FILTER (s.state = 'queued') AS queued,
       count(*) FILTER (s.state = 'accepted') AS accepted,
       count(*) FILTER (s.state = 'sending') AS sending,
       count(*) FILTER (s.state = 'uncertain') AS uncertain,
       count(*) FILTER (s.state = 'failed') AS failed
FROM send_jobs AS j
LEFT JOIN sends AS s USING (job_id)
WHERE j.campaign = $campaign
GROUP BY ALL
ORDER BY j.job_id DESC
