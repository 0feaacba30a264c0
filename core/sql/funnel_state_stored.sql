-- What the stored funnel state of $campaign reflects; no row when it was never built.
SELECT bot_click_seconds, last_batch_id, roster_hash
FROM funnel_state_builds
WHERE campaign = $campaign
