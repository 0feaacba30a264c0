-- Every campaign with events: how many, and when the first and the last happened.
SELECT campaign,
       count(*) AS events,
       count(*) FILTER (event = 'delivered') AS delivered,
       count(*) FILTER (event = 'open') AS opens,
       count(*) FILTER (event = 'click') AS clicks,
       min(ts) AS first_event_at,
       max(ts) AS last_event_at
FROM events
GROUP BY campaign
ORDER BY last_event_at DESC, campaign
