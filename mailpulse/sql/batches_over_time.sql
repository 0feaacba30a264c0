SELECT date_trunc('hour', received_at) AS hour,
       count(*) AS batches,
       sum(received)::BIGINT AS events_received,
       sum(stored)::BIGINT AS events_stored,
       sum(duplicates)::BIGINT AS duplicates,
       sum(quarantined)::BIGINT AS quarantined
FROM batch_outcomes
WHERE received_at >= now() - to_days($days)
GROUP BY hour
ORDER BY hour
