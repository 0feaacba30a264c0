INSERT OR REPLACE INTO purged_campaigns
SELECT campaign, events, delivered, opens, clicks, first_event_at, last_event_at, now()
FROM campaign_counts WHERE campaign = $campaign
