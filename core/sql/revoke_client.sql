UPDATE oauth_clients SET revoked_at = now()
WHERE (name = $name_or_id OR client_id = $name_or_id) AND revoked_at IS NULL
RETURNING client_id
