-- Raise an alert once per condition; RETURNING is empty when that condition was raised before.
INSERT INTO alerts (alert_id, raised_at, kind, condition, title, text)
VALUES (nextval('alert_ids'), $raised_at, $kind, $condition, $title, $text)
ON CONFLICT DO NOTHING
RETURNING alert_id
