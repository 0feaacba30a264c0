-- Live completion sources with what they received; never the secret.
SELECT s.name, s.kind, s.campaign, s.created_at,
       count(r.event_id) FILTER (WHERE r.employee_id IS NOT NULL) AS completed,
       count(r.event_id) FILTER (WHERE r.employee_id IS NULL) AS quarantined,
       max(r.received_at) AS last_received_at
FROM completion_sources AS s
LEFT JOIN completion_receipts AS r ON r.source = s.name
WHERE s.removed_at IS NULL
GROUP BY ALL
ORDER BY s.name
