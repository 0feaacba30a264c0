"""Send jobs: who a segment's mail goes to, queued before any request carries them.

Recipients come from the funnel's own segments (`core.funnel.segment`), less inactive and
unknown people, less anyone this campaign mailed within the cooldown, less the opted out (no
segment but `opted_out` holds them). A job's rows are `queued` in one commit; the runner
(`core.send_runner`) sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from core import audit, funnel, sql
from core.database import Database
from core.errors import UserError
from core.settings import Settings

SENDABLE = {"not_sent": "the invitation", "unopened": "a reminder", "unclicked": "a reminder",
            "incomplete": "a reminder"}  # fmt: skip
REFUSED = {
    "undelivered": "their mail bounced or was dropped: fix the address first",
    "pending": "SendGrid is still delivering their mail: wait",
    "opted_out": "they unsubscribed or reported spam: never mail them",
}
STATES = ("queued", "accepted", "sending", "uncertain", "failed")


@dataclass(frozen=True)
class Queued:
    job_id: int
    recipients: int


def check_sendable(segment: str) -> None:
    funnel.check_segment(segment)
    if segment in REFUSED:
        raise UserError(f"The segment {segment!r} is never mailed: {REFUSED[segment]}.")


def handed(counts: dict[str, int]) -> tuple[int, int]:
    """A job's mails handed to SendGrid (answered, whatever the answer), of all its mails."""
    total = sum(counts.values())
    return total - counts["queued"] - counts["sending"], total


def check_not_purged(db: Database, campaign: str) -> None:
    """A purged campaign's people are gone: everyone would look never mailed, the opted out too."""
    if db.rows("campaign_purged", campaign=campaign)[0][0]:
        raise UserError(
            f"The campaign {campaign!r} cannot be sent: its people were purged; define a new "
            "campaign with `mailpulse campaigns create`."
        )


def check_configured(settings: Settings) -> None:
    if not settings.sendgrid_api_key.get_secret_value() or not settings.from_email:
        raise UserError(
            "Sending is off: set MAILPULSE_SENDGRID_API_KEY (a key with mail.send) and "
            "MAILPULSE_FROM_EMAIL (a verified sender)."
        )


def cooldown_start(settings: Settings, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(hours=settings.reminder_cooldown_hours)


def recipients(
    db: Database,
    settings: Settings,
    campaign: str,
    segment: str,
    limit: int | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """employee_id, email, name of who would get it `now` (default: now), in employee_id order."""
    check_sendable(segment)
    check_not_purged(db, campaign)
    people = funnel.segment(funnel.funnel(db, campaign, settings.bot_click_seconds), segment)
    roster = db.frame("active_roster")
    held = db.frame("recently_mailed", campaign=campaign, since=cooldown_start(settings, now))
    chosen = roster[
        roster["employee_id"].isin(people["employee_id"].dropna())
        & ~roster["employee_id"].isin(held["employee_id"])
    ].sort_values("employee_id")
    return chosen if limit is None else chosen.head(max(limit, 0))


def queue(
    db: Database,
    settings: Settings,
    campaign: str,
    segment: str,
    requested_by: str,
    limit: int | None = None,
    now: datetime | None = None,
) -> Queued:
    """A job, its recipients `queued` and its audit row, committed together; `now` stamps the
    job and its mails (default: now; the demo's invitation went out days ago)."""
    check_configured(settings)
    now = now or datetime.now(UTC)
    chosen = recipients(db, settings, campaign, segment, limit, now)
    since = cooldown_start(settings, now)
    return db.write(lambda con: _queue(con, campaign, segment, requested_by, chosen, now, since))


def _queue(
    con: duckdb.DuckDBPyConnection,
    campaign: str,
    segment: str,
    requested_by: str,
    chosen: pd.DataFrame,
    now: datetime,
    since: datetime,
) -> Queued:
    (job_id,) = con.execute(sql.text("next_send_job_id")).fetchone()
    ids = chosen["employee_id"].tolist()
    rows = pa.table({
        "send_id": [f"s{job_id}-{n}" for n in range(len(ids))],
        "position": list(range(len(ids))),
        "employee_id": ids,
    })  # fmt: skip
    params = {"job_id": job_id, "campaign": campaign, "now": now}
    con.execute(sql.text("insert_send_job"), {**params, "segment": segment,
                                              "requested_by": requested_by})  # fmt: skip
    con.register("new_sends", rows)
    try:
        queued = con.execute(sql.text("insert_sends"), {**params, "since": since}).fetchall()
    finally:
        con.unregister("new_sends")
    # the job and its audit row commit together: a send that cannot be audited is not queued
    audit.record_in(con, requested_by, "send", campaign, segment, len(queued), f"job {job_id}")
    return Queued(job_id, len(queued))


def job(db: Database, job_id: int) -> dict[str, Any]:
    rows = db.frame("send_job", job_id=job_id)
    if rows.empty:
        raise UserError(f"There is no send job {job_id}.")
    return _job_dict(rows.iloc[0])


def jobs(db: Database, campaign: str) -> list[dict[str, Any]]:
    return [_job_dict(row) for _, row in db.frame("send_jobs", campaign=campaign).iterrows()]


def mails(db: Database, campaign: str, employee_id: str) -> list[dict[str, Any]]:
    frame = db.frame("employee_mails", campaign=campaign, employee_id=employee_id)
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def failures(db: Database, job_id: int) -> list[tuple[str, str]]:
    return [(employee, error) for employee, error in db.rows("failed_sends", job_id=job_id)]


def _job_dict(row: pd.Series) -> dict[str, Any]:
    plain = {k: _plain(v) for k, v in row.items()}
    counts = {state: int(plain.pop(state)) for state in STATES}
    return {**plain, "job_id": int(plain["job_id"]), "counts": counts}


def _plain(value: Any) -> Any:
    """JSON-able: times as ISO 8601 UTC, missing values as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.item() if hasattr(value, "item") else value
