-- The employee with this email (trimmed, case-insensitive); active first.
SELECT employee_id FROM roster WHERE email = lower(trim($email))
ORDER BY NOT active, employee_id LIMIT 1
