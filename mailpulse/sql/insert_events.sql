-- A resent event keeps its timestamp, so only stored rows inside the batches' time span can be
-- its original: zone maps on ts keep this check flat however large the table grows. An event
-- repeated across the batches of one commit keeps its first occurrence.
INSERT INTO events
SELECT b.event_key, b.batch_id, b.position, b.event, b.ts, b.received_at, b.email, b.campaign,
       b.employee_id, b.message_id, b.sg_event_id, b.type, b.reason, b.ip, b.useragent, b.url,
       b.machine_open, b.asm_group_id, b.payload
FROM (
    SELECT DISTINCT ON (event_key) * FROM batch_rows ORDER BY event_key, batch_id, position
) AS b
WHERE b.event_key NOT IN (
    SELECT event_key FROM events WHERE ts BETWEEN $first_ts AND $last_ts
)
RETURNING batch_id
