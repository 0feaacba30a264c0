DELETE FROM events;
DELETE FROM quarantine;
