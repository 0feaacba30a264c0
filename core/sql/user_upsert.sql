INSERT INTO users (email, role, password_hash, created_at)
VALUES ($email, $role, $password_hash, now())
ON CONFLICT (email) DO UPDATE SET
    role = excluded.role,
    password_hash = coalesce(excluded.password_hash, password_hash)
