INSERT INTO raw_batches (batch_id, received_at, client_id, body)
VALUES (nextval('batch_ids'), $received_at, $client_id, $body)
RETURNING batch_id
