INSERT INTO roster (employee_id, email, name, department, manager, location, timezone, active)
SELECT 'E' || i, 'e' || i || '@corp.example', 'Employee ' || i, 'Dept ' || (i % 40),
       'Manager ' || (i % 400), 'Site ' || (i % 12), 'Europe/Zurich', true
FROM range($employees) AS t(i)
