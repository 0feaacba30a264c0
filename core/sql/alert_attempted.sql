-- One attempt to post an alert: posted (error NULL) or failed with the reason.
UPDATE alerts SET attempts = attempts + 1,
                  posted_at = CASE WHEN $error IS NULL THEN $at END,
                  last_error = $error
WHERE alert_id = $alert_id
