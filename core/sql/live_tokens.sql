SELECT t.token_hash, t.client_id, c.roles, t.expires_at
FROM oauth_tokens AS t
JOIN oauth_clients AS c USING (client_id)
WHERE c.revoked_at IS NULL AND t.expires_at > now()
