-- Benchmark filler: $n events spread over the 30 days before $until, in time order.
INSERT INTO events
SELECT 'pre-' || i, 0, 0, 'delivered',
       $until - to_seconds(30 * 86400) + to_microseconds((i * (30 * 86400 * 1e6 / $n))::BIGINT),
       $until, 'p' || (i % 100000) || '@corp.example', 'preload', NULL, 'm' || i, 'pre-' || i,
       NULL, NULL, NULL, NULL, NULL, false, NULL, '{}'
FROM range($n) AS t(i)
