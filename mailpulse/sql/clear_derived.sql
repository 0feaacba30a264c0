DELETE FROM events;
DELETE FROM quarantine;
DELETE FROM batch_outcomes;
