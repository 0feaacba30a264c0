-- A purged campaign's kept counts (no person): department, stage, flags, people.
SELECT department, stage, machine_open, bot_click, opted_out, people
FROM campaign_aggregates WHERE campaign = $campaign
