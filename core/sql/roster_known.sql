-- How many of the registered `roster_rows` are already on the roster (updates, not inserts).
SELECT count(*) FROM roster_rows WHERE employee_id IN (SELECT employee_id FROM roster)
