-- Alerts not yet posted to Teams that may be tried again, oldest first.
SELECT alert_id, kind, title, text FROM alerts
WHERE posted_at IS NULL AND attempts < $max_attempts
ORDER BY alert_id
