INSERT INTO campaign_aggregates
SELECT $campaign, department, stage, machine_open, bot_click, opted_out, count(*)
FROM kept_people GROUP BY ALL
