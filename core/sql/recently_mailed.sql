-- Employees of $campaign that a send holds: mailed (or perhaps mailed) since $since, or waiting
-- in a job. Failed mails never reached anyone and hold nobody.
SELECT DISTINCT employee_id
FROM sends
WHERE campaign = $campaign
  AND (state IN ('queued', 'sending') OR (state <> 'failed' AND queued_at >= $since))
