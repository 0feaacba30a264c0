-- Macros of parse_events.sql, created once on each parsing connection (receiver/events_sql.py).

-- events._text of a value that read_json gave as VARCHAR, once `plain_texts` holds for it.
CREATE MACRO text_of(v) AS nullif(v, '');

-- Whether any of these VARCHAR values (joined by chr(0)) may mean something else to
-- events._text: a boolean (Python writes True), a float (Python's own digits), an array or object
-- (None to Python), or text starting or ending with what Python's str.strip() removes.
CREATE MACRO plain_texts(joined) AS NOT regexp_matches(joined,
    '(?:^|\x00)(?:[\[{\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]|(?:true|false|-0|-?[0-9]+(?:\.[0-9]*)?[eE.][-+0-9]*)(?:\x00|$))'
    || '|[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}](?:\x00|$)');

-- events.parse_timestamp for a JSON integer (or digit string: the same instant) of at most 13
-- digits; NULL for anything else, which Python then reads or quarantines. Past 10^11 they are
-- milliseconds, divided as Python divides them (13 digits stay inside 1970..3000).
CREATE MACRO epoch_us(v) AS CASE WHEN regexp_full_match(v, '[0-9]{1,13}') THEN CASE
    WHEN v::BIGINT > 100000000000 THEN trunc(v::DOUBLE / 1000 * 1000000)::BIGINT
    WHEN v::BIGINT <= 32503680000 THEN v::BIGINT * 1000000
END END;

CREATE MACRO ascii(s) AS s IS NULL OR NOT regexp_matches(s, '[^[:ascii:]]');
