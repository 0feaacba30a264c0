-- The rows the registered `fresh_states` replace.
DELETE FROM funnel_state
WHERE campaign = $campaign AND who IN (SELECT who FROM fresh_states)
