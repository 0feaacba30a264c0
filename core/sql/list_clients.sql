SELECT c.name, c.client_id, c.roles, c.description, c.support_email, c.created_at, c.revoked_at,
       count(t.token_hash) FILTER (WHERE t.expires_at > now()) AS live_tokens
FROM oauth_clients AS c
LEFT JOIN oauth_tokens AS t USING (client_id)
GROUP BY ALL
ORDER BY c.created_at, c.name
