INSERT INTO funnel_state_builds
    (campaign, bot_click_seconds, last_batch_id, roster_hash, refreshed_at)
VALUES ($campaign, $bot_click_seconds, $last_batch_id, $roster_hash, now())
ON CONFLICT (campaign) DO UPDATE SET
    bot_click_seconds = excluded.bot_click_seconds,
    last_batch_id = excluded.last_batch_id,
    roster_hash = excluded.roster_hash,
    refreshed_at = excluded.refreshed_at
