UPDATE heartbeat SET checked_at = now() WHERE id = 1
