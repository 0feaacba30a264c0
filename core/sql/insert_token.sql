-- Only for a client still active in this very transaction: a revoke committed before it wins.
INSERT INTO oauth_tokens (token_hash, client_id, issued_at, expires_at)
SELECT $token_hash, client_id, now(), now() + to_seconds($ttl)
FROM oauth_clients
WHERE client_id = $client_id AND revoked_at IS NULL
RETURNING expires_at
