-- Campaigns being sent: events of theirs arrived since $since (a day ago, for alerts).
SELECT DISTINCT campaign FROM events WHERE received_at >= $since ORDER BY campaign
