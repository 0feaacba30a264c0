-- The employee each registered `completion_rows` line names: by employee_id, else by email
-- (stored trimmed and lower-cased on both sides). NULL: nobody on the roster.
SELECT c.line,
       coalesce(by_id.employee_id, by_email.employee_id) AS employee_id
FROM completion_rows AS c
LEFT JOIN roster AS by_id ON by_id.employee_id = c.employee_id
LEFT JOIN (
    SELECT email, arg_min(employee_id, (NOT active, employee_id)) AS employee_id
    FROM roster
    GROUP BY email
) AS by_email ON c.employee_id IS NULL AND by_email.email = c.email
ORDER BY c.line
