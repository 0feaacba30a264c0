-- Events carrying the send_id of an `uncertain` mail prove SendGrid accepted it. Only batches
-- after $after (the last one looked at) up to $upto are read: zone maps keep it cheap.
UPDATE sends
SET state = 'accepted', accepted_at = e.first_at, x_message_id = coalesce(x_message_id, e.message_id)
FROM (
    SELECT send_id, min(ts) AS first_at, min(message_id) AS message_id
    FROM events
    WHERE batch_id > $after AND batch_id <= $upto AND send_id IS NOT NULL
    GROUP BY send_id
) AS e
WHERE sends.send_id = e.send_id AND sends.state = 'uncertain'
