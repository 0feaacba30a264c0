-- Every employee id and email one person is known by: the roster and the events.
SELECT employee_id AS id, lower(trim(email)) AS email FROM roster
WHERE employee_id = $employee_id OR lower(trim(email)) = $email
UNION
SELECT employee_id, email FROM events WHERE employee_id = $employee_id OR email = $email
