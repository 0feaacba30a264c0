-- What the funnel state of $campaign reflects (all NULL when it was never built), beside what
-- it would reflect if refreshed now: the campaign's latest batch and the roster's hash. Only
-- email, employee id and activity matter to the state (they resolve events without the
-- employee custom arg); names and departments are joined at read time.
SELECT b.bot_click_seconds,
       b.last_batch_id,
       b.roster_hash,
       (SELECT max(batch_id) FROM events WHERE campaign = $campaign) AS latest_batch_id,
       (SELECT coalesce(bit_xor(hash(employee_id, email, active)), 0) FROM roster)
           AS roster_hash_now
FROM (SELECT 1) AS one
LEFT JOIN funnel_state_builds AS b ON b.campaign = $campaign
