-- When the lock on $email ends: 15 minutes after the latest failure that closed a run of 5
-- failures within 15 minutes (NULL: not locked, or never was).
SELECT max(f.failed_at) + INTERVAL 15 MINUTE
FROM sign_in_failures AS f
WHERE f.email = $email
  AND (SELECT count(*) FROM sign_in_failures AS g
       WHERE g.email = f.email
         AND g.failed_at BETWEEN f.failed_at - INTERVAL 15 MINUTE AND f.failed_at) >= 5
