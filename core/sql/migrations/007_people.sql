-- People, roles and privacy (SPEC): the reporting line, dashboard users, the audit trail, and
-- what a campaign keeps once its person-level data is purged.
ALTER TABLE roster ADD COLUMN IF NOT EXISTS manager_id VARCHAR;  -- the manager's employee_id

CREATE TABLE users (
    email         VARCHAR PRIMARY KEY,  -- lower-cased
    role          VARCHAR NOT NULL,     -- admin, hr or manager
    password_hash VARCHAR,              -- scrypt; NULL for a user who signs in through OIDC only
    created_at    TIMESTAMPTZ NOT NULL
);

-- Failed sign-ins per email typed (known user or not): 5 within 15 minutes lock that email.
CREATE TABLE sign_in_failures (email VARCHAR NOT NULL, failed_at TIMESTAMPTZ NOT NULL);

CREATE SEQUENCE audit_ids;
CREATE TABLE audit (
    id       BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
    happened_at TIMESTAMPTZ NOT NULL,
    actor    VARCHAR NOT NULL,  -- a user's email, `cli:<os user>`, `server`
    action   VARCHAR NOT NULL,
    campaign VARCHAR,
    segment  VARCHAR,
    rows     BIGINT,            -- how many people the action was about, never who
    detail   VARCHAR
);

-- A purged campaign's funnel without people: counts per department (groups under 5 folded into
-- `other`), stage and flags, so the Overview and year-on-year comparisons still work.
CREATE TABLE campaign_aggregates (
    campaign     VARCHAR NOT NULL,
    department   VARCHAR,
    stage        VARCHAR NOT NULL,
    machine_open BOOLEAN NOT NULL,
    bot_click    BOOLEAN NOT NULL,
    opted_out    BOOLEAN NOT NULL,
    people       BIGINT NOT NULL
);
CREATE TABLE purged_campaigns (
    campaign       VARCHAR PRIMARY KEY,
    events         BIGINT NOT NULL,
    delivered      BIGINT NOT NULL,
    opens          BIGINT NOT NULL,
    clicks         BIGINT NOT NULL,
    first_event_at TIMESTAMPTZ,
    last_event_at  TIMESTAMPTZ,
    purged_at      TIMESTAMPTZ NOT NULL
);

-- A raw batch whose body was rewritten without some people's events (purge, forget).
ALTER TABLE raw_batches ADD COLUMN redacted_at TIMESTAMPTZ;
