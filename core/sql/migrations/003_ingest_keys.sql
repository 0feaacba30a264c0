-- Exactly once on both keys: `content_key` is the SHA-256 of the event's canonical JSON without
-- `sg_event_id`, so a redelivery with a fresh id is a duplicate (sendgrid/sendgrid-nodejs#1435).
-- Rows stored before this migration have none until `mailpulse reprocess`.
ALTER TABLE events ADD COLUMN IF NOT EXISTS content_key VARCHAR;
-- The `send_id` custom arg (also added by the sending migration: IF NOT EXISTS, either order).
ALTER TABLE events ADD COLUMN IF NOT EXISTS send_id VARCHAR;
-- An event's JSON is in the raw archive (batch_id, position): it is not stored a second time.
ALTER TABLE events ALTER COLUMN payload DROP NOT NULL;

-- A body archived once (same bytes, same signature timestamp) is answered from its outcome.
ALTER TABLE raw_batches ADD COLUMN IF NOT EXISTS body_sha256 VARCHAR;
ALTER TABLE raw_batches ADD COLUMN IF NOT EXISTS signed_at BIGINT;
