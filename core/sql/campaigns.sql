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
UNION ALL  -- purged campaigns keep their counts (retention)
SELECT campaign, events, delivered, opens, clicks, first_event_at, last_event_at
FROM purged_campaigns WHERE campaign NOT IN (SELECT campaign FROM events)
ORDER BY last_event_at DESC, campaign
