-- A campaign's person-level data, gone (its aggregates were kept first).
DELETE FROM events WHERE campaign = $campaign;
DELETE FROM funnel_state WHERE campaign = $campaign;
DELETE FROM funnel_state_builds WHERE campaign = $campaign;
DELETE FROM completions WHERE campaign = $campaign;
DELETE FROM completion_posts
WHERE post_id IN (SELECT post_id FROM completion_receipts WHERE campaign = $campaign);
DELETE FROM completion_receipts WHERE campaign = $campaign;
DELETE FROM sends WHERE campaign = $campaign;
