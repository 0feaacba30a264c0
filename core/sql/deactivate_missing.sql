-- `roster import --replace`: active employees absent from the registered `roster_rows` leave.
UPDATE roster SET active = false
WHERE active AND employee_id NOT IN (SELECT employee_id FROM roster_rows)
