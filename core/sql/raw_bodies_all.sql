SELECT batch_id, body FROM raw_batches WHERE batch_id > $after ORDER BY batch_id LIMIT $limit
