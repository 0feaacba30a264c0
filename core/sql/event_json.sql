-- An event as received, unknown fields included: element `position` of its archived body (the
-- archive keeps each event's JSON once; the events table keeps what queries need).
SELECT e.event, json_extract(decode(r.body)::JSON, '$[' || e.position || ']')::VARCHAR AS json
FROM events AS e
JOIN raw_batches AS r USING (batch_id)
WHERE e.sg_event_id = $sg_event_id
