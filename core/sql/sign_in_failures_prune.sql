-- Failures older than a day can no longer lock anyone.
DELETE FROM sign_in_failures WHERE failed_at < $at - INTERVAL 1 DAY
