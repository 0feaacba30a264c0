-- Why mail of one campaign did not arrive: bounces (bounce or blocked) and drops, by reason.
SELECT CASE WHEN event = 'dropped' THEN 'dropped' ELSE coalesce(type, 'bounce') END AS kind,
       coalesce(left(reason, 400), '(no reason given)') AS reason,
       count(DISTINCT email) AS recipients
FROM events
WHERE campaign = $campaign AND event IN ('bounce', 'dropped')
GROUP BY ALL
ORDER BY recipients DESC, kind, reason
LIMIT 500  -- grouped on screen: mailbox unknown, mailbox full, spam, policy, other
