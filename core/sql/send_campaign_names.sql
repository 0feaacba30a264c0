-- The campaigns defined to be sent.
SELECT name FROM send_campaigns ORDER BY created_at DESC, name
