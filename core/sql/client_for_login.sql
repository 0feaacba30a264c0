SELECT secret_hash, roles FROM oauth_clients WHERE client_id = $client_id AND revoked_at IS NULL
