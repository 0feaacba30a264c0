SELECT
    count(*) AS batches,
    max(received_at) AS last_batch_at,
    coalesce(sum(received), 0)::BIGINT AS events_received,
    coalesce(sum(stored), 0)::BIGINT AS events_stored,
    coalesce(sum(duplicates), 0)::BIGINT AS duplicates,
    coalesce(sum(quarantined), 0)::BIGINT AS quarantined,
    count(*) FILTER (WHERE rejection IS NOT NULL) AS rejected_batches,
    (SELECT max(ts) FROM events) AS last_event_at
FROM batch_outcomes
