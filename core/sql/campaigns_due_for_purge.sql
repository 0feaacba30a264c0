-- Campaigns whose last event is older than the retention period.
SELECT campaign FROM events GROUP BY campaign
HAVING max(ts) < now() - to_days(CAST($days AS INTEGER))
ORDER BY campaign
