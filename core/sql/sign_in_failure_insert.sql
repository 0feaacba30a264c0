INSERT INTO sign_in_failures (email, failed_at) VALUES ($email, $at)
