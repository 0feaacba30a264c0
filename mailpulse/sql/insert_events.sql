-- A resent event keeps its timestamp, so only stored rows inside the batch's time span can be
-- its original: zone maps on ts keep this check flat however large the table grows.
INSERT INTO events
SELECT b.event_key, $batch_id, b.position, b.event, b.ts, $received_at, b.email, b.campaign,
       b.employee_id, b.message_id, b.sg_event_id, b.type, b.reason, b.ip, b.useragent, b.url,
       b.machine_open, b.asm_group_id, b.payload
FROM batch_rows AS b
WHERE b.event_key NOT IN (
    SELECT event_key FROM events WHERE ts BETWEEN $first_ts AND $last_ts
)
