-- Sending through SendGrid's Mail Send API (SPEC "Sending"). Events echo the `send_id` custom
-- arg, which turns a recipient whose answer was lost (`uncertain`) into `accepted`.
ALTER TABLE events ADD COLUMN IF NOT EXISTS send_id VARCHAR;

-- A campaign defined to be sent: its texts, its survey URL (with `{token}`) and deadline.
CREATE TABLE IF NOT EXISTS send_campaigns (
    name             VARCHAR PRIMARY KEY,
    subject          VARCHAR NOT NULL,
    survey_url       VARCHAR NOT NULL,
    body             VARCHAR,           -- a jinja2 template (sandboxed), else template_id
    body_html        BOOLEAN NOT NULL,
    template_id      VARCHAR,           -- a SendGrid dynamic template (d-...)
    reminder_subject VARCHAR,
    reminder_body    VARCHAR,
    reminder_html    BOOLEAN NOT NULL,
    deadline         DATE,
    created_at       TIMESTAMPTZ NOT NULL
);

-- One send job: a segment of a campaign, asked for by someone; the server's runner sends it.
CREATE SEQUENCE IF NOT EXISTS send_job_ids;
CREATE TABLE IF NOT EXISTS send_jobs (
    job_id       BIGINT NOT NULL,
    campaign     VARCHAR NOT NULL,
    segment      VARCHAR NOT NULL,
    requested_by VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    stopped      VARCHAR             -- why the job stopped before its end (a wrong key)
);

-- One recipient's mail: queued → sending → accepted | uncertain | failed. No key or index:
-- a job inserts up to a roster's worth of rows at once, and states change by job and request.
CREATE TABLE IF NOT EXISTS sends (
    send_id      VARCHAR NOT NULL,
    job_id       BIGINT NOT NULL,
    position     INTEGER NOT NULL,   -- order within the job: requests take them in turn
    campaign     VARCHAR NOT NULL,
    employee_id  VARCHAR NOT NULL,
    state        VARCHAR NOT NULL,
    queued_at    TIMESTAMPTZ NOT NULL,
    accepted_at  TIMESTAMPTZ,
    x_message_id VARCHAR,
    error        VARCHAR
);
