INSERT INTO quarantine (batch_id, position, received_at, reason, payload)
VALUES ($batch_id, $position, $received_at, $reason, $payload)
