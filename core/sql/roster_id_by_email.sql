SELECT employee_id FROM roster WHERE lower(trim(email)) = $email
