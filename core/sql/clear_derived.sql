DELETE FROM events;
DELETE FROM quarantine;
DELETE FROM batch_outcomes;
DELETE FROM funnel_state;
DELETE FROM funnel_state_builds;
