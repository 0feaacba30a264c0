-- Benchmark filler: $n events of campaign 'bench' for $employees employees, spread over the 30
-- days before $until in time order, in SendGrid's proportions (every employee gets the mail;
-- opens, machine opens and clicks for some).
INSERT INTO events
SELECT 'pre-' || i, 0, 0, kind, ts, $until, 'e' || person || '@corp.example', 'bench',
       'E' || person, 'm' || person, 'pre-' || i, NULL, NULL,
       CASE WHEN kind = 'click' THEN '10.0.' || (person % 250) || '.1' END, NULL, NULL,
       kind = 'open' AND person % 5 < 2, NULL, '{}'
FROM (
    SELECT i, i % $employees AS person,
           ['processed', 'delivered', 'open', 'open', 'click', 'open', 'delivered', 'open']
               [1 + (i // $employees) % 8] AS kind,
           $until - INTERVAL 30 DAY + to_microseconds((i * (30 * 86400 * 1e6 / $n))::BIGINT) AS ts
    FROM range($n) AS t(i)
)
