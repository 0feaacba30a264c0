-- Before every recipient of $campaign is judged again: a recipient may have vanished (the roster
-- now names the email they were known by).
DELETE FROM funnel_state WHERE campaign = $campaign
