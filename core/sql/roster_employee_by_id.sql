-- Whether this employee id is on the roster.
SELECT employee_id FROM roster WHERE employee_id = $employee_id
