SELECT event, count(*) AS events
FROM events
GROUP BY event
ORDER BY events DESC, event
