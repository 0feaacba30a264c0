DELETE FROM oauth_tokens WHERE client_id = $client_id OR expires_at < now() - INTERVAL 1 DAY
