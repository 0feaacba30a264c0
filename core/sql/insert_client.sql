INSERT INTO oauth_clients (client_id, name, secret_hash, roles, description, support_email, created_at)
VALUES ($client_id, $name, $secret_hash, $roles, $description, $support_email, now())
