-- Ceiling (a): one body stored by DuckDB's own read_json into mailpulse's tables, every field
-- the product keeps (the archived body, each event row, the batch's outcome), no dedupe. Keys
-- are the first 128 bits of SHA-256 of the fields in SQL, the typing is the product's for well-formed events.
INSERT INTO raw_batches (batch_id, received_at, client_id, body, body_sha256, signed_at)
VALUES ($batch_id, $received_at, 'ceiling', $body, sha256($body), 0);

INSERT INTO events BY NAME
SELECT
    ('0x' || left(sha256(coalesce(sg_event_id, concat_ws(chr(0), email, event, timestamp))),
        32))::UHUGEINT AS event_key,
    ('0x' || left(sha256(concat_ws(chr(0), email, event, timestamp, sg_message_id, campaign,
        employee_id, category)), 32))::UHUGEINT AS content_key,
    $batch_id AS batch_id,
    (row_number() OVER () - 1)::INTEGER AS position,
    lower(event) AS event,
    make_timestamp(timestamp::BIGINT * 1000000)::TIMESTAMPTZ AS ts,
    $received_at AS received_at,
    lower(email) AS email,
    coalesce(campaign, marketing_campaign_name, category ->> 0, '(none)') AS campaign,
    employee_id,
    split_part(sg_message_id, '.', 1) AS message_id,
    sg_event_id, type, reason, ip, useragent, url,
    coalesce(sg_machine_open = 'true', false) AS machine_open,
    asm_group_id::BIGINT AS asm_group_id,
    send_id
FROM read_json($path, format = 'array', records = true, columns = {
    email: 'VARCHAR', event: 'VARCHAR', timestamp: 'VARCHAR', sg_event_id: 'VARCHAR',
    sg_message_id: 'VARCHAR', campaign: 'VARCHAR', employee_id: 'VARCHAR',
    marketing_campaign_name: 'VARCHAR', category: 'JSON', type: 'VARCHAR', reason: 'VARCHAR',
    ip: 'VARCHAR', useragent: 'VARCHAR', url: 'VARCHAR', sg_machine_open: 'VARCHAR',
    asm_group_id: 'VARCHAR', send_id: 'VARCHAR'
});

INSERT INTO batch_outcomes VALUES ($batch_id, $received_at, $count, $count, 0, 0, NULL)
