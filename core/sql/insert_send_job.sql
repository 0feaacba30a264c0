INSERT INTO send_jobs (job_id, campaign, segment, requested_by, created_at)
VALUES ($job_id, $campaign, $segment, $requested_by, $now)
