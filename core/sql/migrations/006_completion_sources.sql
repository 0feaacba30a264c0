-- Survey tools that post completions (SPEC "Survey completions arrive by webhook"). The signing
-- secret is encrypted with a key derived from the database's key file: it must be read back.
CREATE TABLE completion_sources (
    name       VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL,  -- standard | typeform | tally
    campaign   VARCHAR,           -- the campaign when neither the token nor the body names one
    secret     BLOB NOT NULL,     -- Fernet token of the signing secret
    created_at TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ
);

-- Raw archive of every authenticated completion post, before it is parsed.
CREATE SEQUENCE completion_post_ids;
CREATE TABLE completion_posts (
    post_id     BIGINT PRIMARY KEY,
    source      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    header_id   VARCHAR,          -- `webhook-id` of a Standard Webhooks post (its event id)
    body        BLOB NOT NULL
);

-- What each distinct post (by its source's event id) became; derived, `reprocess` rebuilds it.
-- `employee_id` NULL: quarantined, with the reason.
CREATE TABLE completion_receipts (
    source       VARCHAR NOT NULL,
    event_id     VARCHAR NOT NULL,
    post_id      BIGINT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    campaign     VARCHAR,
    employee_id  VARCHAR,
    completed_at TIMESTAMPTZ,
    reason       VARCHAR,
    PRIMARY KEY (source, event_id)
);

-- Teams alerts, posted or still to post: the Receiver page shows them.
CREATE SEQUENCE alert_ids;
CREATE TABLE alerts (
    alert_id   BIGINT PRIMARY KEY,
    raised_at  TIMESTAMPTZ NOT NULL,
    kind       VARCHAR NOT NULL,   -- silence | unavailable | send_finished | digest
    condition  VARCHAR NOT NULL UNIQUE,  -- once per condition: e.g. "digest:<campaign>:<day>"
    title      VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,
    posted_at  TIMESTAMPTZ,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error VARCHAR
);
