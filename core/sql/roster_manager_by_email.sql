-- The roster employee with this email who has reports (a manager by the reporting line).
SELECT r.employee_id FROM roster AS r
WHERE lower(trim(r.email)) = $email
  AND EXISTS (SELECT 1 FROM roster AS d WHERE d.manager_id = r.employee_id AND d.employee_id <> r.employee_id)
