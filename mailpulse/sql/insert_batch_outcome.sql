INSERT INTO batch_outcomes (batch_id, received_at, received, stored, duplicates, quarantined, rejection)
VALUES ($batch_id, $received_at, $received, $stored, $duplicates, $quarantined, $rejection)
