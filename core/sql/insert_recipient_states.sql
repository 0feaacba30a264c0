INSERT INTO funnel_state BY NAME
SELECT * FROM fresh_states
