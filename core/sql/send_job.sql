-- One send job with its recipients by state.
SELECT j.job_id, j.campaign, j.segment, j.requested_by, j.created_at, j.finished_at, j.stopped,
       count(*) FILTER (s.state = 'queued') AS queued,
       count(*) FILTER (s.state = 'accepted') AS accepted,
       count(*) FILTER (s.state = 'sending') AS sending,
       count(*) FILTER (s.state = 'uncertain') AS uncertain,
       count(*) FILTER (s.state = 'failed') AS failed
FROM send_jobs AS j
LEFT JOIN sends AS s USING (job_id)
WHERE j.job_id = $job_id
GROUP BY ALL
