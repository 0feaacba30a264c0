-- Why mail of one campaign did not arrive: bounces (bounce or blocked) and drops, one row per
-- recipient and reason (no limit: reasons often carry the address, so a row per recipient).
SELECT DISTINCT
       CASE WHEN event = 'dropped' THEN 'dropped' ELSE coalesce(type, 'bounce') END AS kind,
       coalesce(left(reason, 400), '(no reason given)') AS reason,
       email
FROM events
WHERE campaign = $campaign AND event IN ('bounce', 'dropped')
