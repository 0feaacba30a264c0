-- Per-recipient funnel state of each campaign (derived from events, rebuilt by `reprocess`):
-- `recipient_states.sql` defines a row, `funnel.sql` adds the roster and completions at read
-- time. Reading 100k of these is several times cheaper than judging 500k+ events per page view.
CREATE TABLE funnel_state (
    campaign      VARCHAR NOT NULL,
    who           VARCHAR NOT NULL,  -- the employee id, else the email of an unknown person
    known         BOOLEAN NOT NULL,  -- `who` is an employee id
    event_email   VARCHAR,           -- the address on events carrying the employee id
    delivered_at  TIMESTAMPTZ,       -- first delivery, else first proof of delivery
    opened_at     TIMESTAMPTZ,       -- first human open
    clicked_at    TIMESTAMPTZ,       -- first human click
    last_event_at TIMESTAMPTZ NOT NULL,
    bounced       BOOLEAN NOT NULL,
    deferred      BOOLEAN NOT NULL,
    opted_out     BOOLEAN NOT NULL,
    machine_open  BOOLEAN NOT NULL,
    bot_click     BOOLEAN NOT NULL,
    bounce_reason VARCHAR,           -- of the latest bounce or drop
    bot_reason    VARCHAR            -- of the first flagged click
);

-- What each campaign's rows reflect: events up to `last_batch_id` (batch ids grow in commit
-- order: one writer draws them), judged with `bot_click_seconds`, resolved by a roster whose
-- emails and activity hash to `roster_hash`. Anything else is stale and refreshed before a read.
CREATE TABLE funnel_state_builds (
    campaign          VARCHAR PRIMARY KEY,
    bot_click_seconds INTEGER NOT NULL,
    last_batch_id     BIGINT,
    roster_hash       UBIGINT,
    refreshed_at      TIMESTAMPTZ NOT NULL
);
