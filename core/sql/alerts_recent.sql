-- The latest alerts for the Receiver page.
SELECT raised_at, kind, title, posted_at, attempts, last_error
FROM alerts ORDER BY alert_id DESC LIMIT 50
