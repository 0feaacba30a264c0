-- Whether any event belongs to $campaign.
SELECT EXISTS (SELECT 1 FROM events WHERE campaign = $campaign)
