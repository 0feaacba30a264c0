-- The latest quarantined completion posts with their reasons (no body: it may name a person).
SELECT received_at, source, event_id, reason
FROM completion_receipts WHERE employee_id IS NULL
ORDER BY received_at DESC LIMIT 100
