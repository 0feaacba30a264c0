DELETE FROM users WHERE email = $email RETURNING email
