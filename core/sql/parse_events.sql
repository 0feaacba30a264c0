-- One SendGrid body (the JSON array in file $path) as event rows, typed as receiver/events.py
-- types them. read_json reads the fields as text ($columns: the campaign and employee fields
-- first, #1 and #2, then the names used below); `fast` is false where that text may not be
-- what Python makes of the value (parse_macros.sql), and receiver/events_sql.py gives those
-- events to Python. (Subqueries, not CTEs: DuckDB binds these several times faster.)
SELECT
    position,
    plain AND text_of(event) IS NOT NULL AND ascii(event) AND ascii(email)
    AND ts_us IS NOT NULL
    AND (asm IS NULL OR regexp_full_match(asm, '-?[0-9]{1,18}'))
    AND (mo IS NULL OR NOT regexp_full_match(mo, '1(\.0*)?'))
    AND (named_campaign IS NOT NULL OR first_type IS NULL OR first_type IN ('ARRAY', 'OBJECT', 'NULL')
        OR first_type IN ('VARCHAR', 'BIGINT', 'UBIGINT') AND plain_texts(first_text)) AS fast,
    text_of(send) AS send_id,
    lower(event) AS event,
    make_timestamp(ts_us)::TIMESTAMPTZ AS ts,
    lower(text_of(email)) AS email,
    coalesce(
        named_campaign,
        CASE WHEN first_type NOT IN ('ARRAY', 'OBJECT', 'NULL') THEN nullif(first_text, '') END,
        '(none)'
    ) AS campaign,
    text_of(e) AS employee_id,
    split_part(text_of(msg), '.', 1) AS message_id,
    text_of(id) AS sg_event_id,
    text_of(type) AS type,
    text_of(reason) AS reason,
    text_of(ip) AS ip,
    text_of(ua) AS useragent,
    text_of(url) AS url,
    coalesce(mo = 'true', false) AS machine_open,
    asm::BIGINT AS asm_group_id
FROM (
    SELECT
        *,
        coalesce(text_of(c), text_of(mkt)) AS named_campaign,
        json_type(first_cat) AS first_type,
        first_cat ->> '$' AS first_text
    FROM (
        SELECT
            (row_number() OVER () - 1)::INTEGER AS position,
            #1 AS c, #2 AS e, event, sg_event_id AS id, email, sg_message_id AS msg,
            send_id AS send, type, reason, ip, useragent AS ua, url,
            marketing_campaign_name AS mkt, sg_machine_open AS mo, asm_group_id AS asm,
            plain_texts(concat_ws(chr(0), #1, #2, event, sg_event_id, email, sg_message_id,
                send_id, type, reason, ip, useragent, url, marketing_campaign_name)) AS plain,
            epoch_us(timestamp) AS ts_us,
            CASE WHEN json_type(category) = 'ARRAY' THEN category -> 0 ELSE category END
                AS first_cat
        FROM read_json($path, format = 'array', records = true, columns = $columns)
    )
)
