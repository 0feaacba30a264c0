UPDATE raw_batches SET body = $body, redacted_at = now() WHERE batch_id = $batch_id
