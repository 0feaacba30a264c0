-- Events of one campaign per hour of their own timestamp, by type.
SELECT date_trunc('hour', ts) AS hour, event, count(*) AS events
FROM events
WHERE campaign = $campaign
GROUP BY ALL
ORDER BY hour, event
