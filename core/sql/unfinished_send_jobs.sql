-- Jobs to send, oldest first: a job interrupted by a crash resumes where it was.
SELECT job_id FROM send_jobs WHERE finished_at IS NULL ORDER BY job_id
