SELECT
    (SELECT count(*) FROM raw_batches) AS batches,
    (SELECT max(received_at) FROM raw_batches) AS last_batch_at,
    (SELECT count(*) FROM events) AS events,
    (SELECT count(*) FROM quarantine) AS quarantined
