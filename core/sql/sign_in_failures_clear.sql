DELETE FROM sign_in_failures WHERE email = $email
