SELECT t.client_id, c.roles, t.expires_at
FROM oauth_tokens AS t
JOIN oauth_clients AS c USING (client_id)
WHERE t.token_hash = $token_hash AND c.revoked_at IS NULL AND t.expires_at > now()
