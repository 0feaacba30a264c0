SELECT date_trunc('minute', received_at) AS minute,
       count(*) AS batches,
       sum(received)::BIGINT AS events_received,
       sum(stored)::BIGINT AS events_stored,
       sum(duplicates)::BIGINT AS duplicates,
       sum(quarantined)::BIGINT AS quarantined
FROM batch_outcomes
WHERE received_at >= now() - to_hours($hours)
GROUP BY minute
ORDER BY minute
