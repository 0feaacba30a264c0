INSERT INTO oauth_tokens (token_hash, client_id, issued_at, expires_at)
VALUES ($token_hash, $client_id, now(), now() + to_seconds($ttl))
RETURNING expires_at
