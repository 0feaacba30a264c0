-- A resent event keeps its timestamp, so only stored rows inside the batches' time span can be
-- its original: zone maps on ts keep this check flat however large the table grows. An event
-- repeated across the batches of one commit keeps its first occurrence.
INSERT INTO events BY NAME
SELECT b.*
FROM (
    SELECT DISTINCT ON (event_key) * FROM batch_rows ORDER BY event_key, batch_id, position
) AS b
WHERE b.event_key NOT IN (
    SELECT event_key FROM events WHERE ts BETWEEN $first_ts AND $last_ts
)
RETURNING batch_id
