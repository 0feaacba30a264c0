-- The funnel state's columns without a row: what a read lays over a state that is fresh.
SELECT * FROM funnel_state WHERE false
