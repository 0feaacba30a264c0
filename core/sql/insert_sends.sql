-- A job's recipients, `queued`, less anyone another job took meanwhile: the writer runs one
-- job's insert at a time, so two jobs asked for at once never queue one person twice.
INSERT INTO sends (send_id, job_id, position, campaign, employee_id, state, queued_at)
SELECT n.send_id, $job_id, n.position, $campaign, n.employee_id, 'queued', $now
FROM new_sends AS n
WHERE n.employee_id NOT IN (
    SELECT employee_id FROM sends
    WHERE campaign = $campaign
      AND (state IN ('queued', 'sending') OR (state <> 'failed' AND queued_at >= $since))
)
RETURNING employee_id
