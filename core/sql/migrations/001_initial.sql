-- Raw archive: every authenticated batch, bytes as received, before anything is parsed.
CREATE SEQUENCE batch_ids;
CREATE TABLE raw_batches (
    batch_id    BIGINT PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL,
    client_id   VARCHAR,
    body        BLOB NOT NULL
);

-- What each archived batch became (derived: `reprocess` rebuilds it with the events).
CREATE TABLE batch_outcomes (
    batch_id    BIGINT PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL,
    received    INTEGER NOT NULL,
    stored      INTEGER NOT NULL,
    duplicates  INTEGER NOT NULL,
    quarantined INTEGER NOT NULL,
    rejection   VARCHAR
);

-- One row per distinct event. No key on event_key: dedupe checks only the batch's time span.
CREATE TABLE events (
    event_key      VARCHAR NOT NULL,
    batch_id       BIGINT NOT NULL,
    position       INTEGER NOT NULL,
    event          VARCHAR NOT NULL,
    ts             TIMESTAMPTZ NOT NULL,
    received_at    TIMESTAMPTZ NOT NULL,
    email          VARCHAR,
    campaign       VARCHAR NOT NULL,
    employee_id    VARCHAR,
    message_id     VARCHAR,
    sg_event_id    VARCHAR,
    type           VARCHAR,
    reason         VARCHAR,
    ip             VARCHAR,
    useragent      VARCHAR,
    url            VARCHAR,
    machine_open   BOOLEAN NOT NULL,
    asm_group_id   BIGINT,
    payload        VARCHAR NOT NULL  -- the event as JSON text
);

-- Authenticated data that could not be stored as events: a whole body (position NULL) or one element.
CREATE TABLE quarantine (
    batch_id    BIGINT NOT NULL,
    position    INTEGER,
    received_at TIMESTAMPTZ NOT NULL,
    reason      VARCHAR NOT NULL,
    payload     BLOB NOT NULL
);

CREATE TABLE oauth_clients (
    client_id     VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL UNIQUE,
    secret_hash   VARCHAR NOT NULL,
    roles         VARCHAR[] NOT NULL,
    description   VARCHAR,
    support_email VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ
);

CREATE TABLE oauth_tokens (
    token_hash VARCHAR PRIMARY KEY,
    client_id  VARCHAR NOT NULL,
    issued_at  TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE roster (
    employee_id VARCHAR PRIMARY KEY,
    email       VARCHAR NOT NULL,
    name        VARCHAR,
    department  VARCHAR,
    manager     VARCHAR,
    location    VARCHAR,
    timezone    VARCHAR,
    active      BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE completions (
    campaign     VARCHAR NOT NULL,
    employee_id  VARCHAR NOT NULL,
    completed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign, employee_id)
);

-- readyz writes here: a real write to the file proves the database is writable.
CREATE TABLE heartbeat (id INTEGER PRIMARY KEY, checked_at TIMESTAMPTZ NOT NULL);
INSERT INTO heartbeat VALUES (1, now());
