SELECT received_at, batch_id, position, reason,
       left(decode(payload, 'replace'), 300) AS payload_start
FROM quarantine
ORDER BY received_at DESC, batch_id DESC, position
LIMIT $limit
