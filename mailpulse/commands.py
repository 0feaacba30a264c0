"""The commands behind the CLI, run in-process or by a live server's admin API: same code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb

from mailpulse import completions, funnel, funnel_state, reminders, roster, sql
from mailpulse.csvfile import CsvRejected
from mailpulse.database import Database
from mailpulse.settings import Settings
from receiver import oauth
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_parsed

COMMANDS: dict[str, Callable[..., Any]] = {}
REPROCESS_CHUNK = 200


class CommandError(Exception):
    """A user's mistake: its message is one sentence, shown as is."""


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    COMMANDS[fn.__name__] = fn
    return fn


@command
def clients_create(
    db: Database,
    settings: Settings,
    name: str,
    role: str = "sendgrid",
    description: str | None = None,
    support_email: str | None = None,
) -> dict[str, Any]:
    if role not in oauth.ROLES:
        raise CommandError(f"Unknown role {role!r}; the roles are: {', '.join(oauth.ROLES)}.")
    if not name.strip():
        raise CommandError("A client needs a name.")
    try:
        new = db.write(
            lambda con: oauth.create_client(con, name.strip(), [role], description, support_email)
        )
    except oauth.ClientExists as exc:
        raise CommandError(str(exc)) from None
    return {
        "name": new.name,
        "client_id": new.client_id,
        "client_secret": new.client_secret,
        "roles": new.roles,
    }


@command
def clients_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    frame = db.frame("list_clients")
    for column in ("created_at", "revoked_at"):
        frame[column] = frame[column].map(
            lambda t: t.isoformat() if t is not None and t == t else None
        )
    frame["roles"] = frame["roles"].map(list)
    return frame.to_dict(orient="records")


@command
def clients_revoke(db: Database, settings: Settings, name_or_id: str) -> dict[str, str]:
    try:
        client_id = oauth.revoke(db, name_or_id)
    except oauth.UnknownClient as exc:
        raise CommandError(str(exc)) from None
    return {"revoked": client_id}


@command
def reprocess(db: Database, settings: Settings) -> dict[str, int]:
    fields = Fields(settings.campaign_field, settings.employee_field)
    return db.write(lambda con: rebuild_events(con, fields, settings.bot_click_seconds))


def rebuild_events(
    con: duckdb.DuckDBPyConnection, fields: Fields, bot_click_seconds: int
) -> dict[str, int]:
    """Derived tables, rebuilt from the raw archive in one transaction: all or nothing."""
    con.execute(sql.text("clear_derived"))
    totals = {"batches": 0, "events": 0, "duplicates": 0, "quarantined": 0}
    after = -1
    while chunk := con.execute(
        sql.text("next_raw_batches"), {"after": after, "limit": REPROCESS_CHUNK}
    ).fetchall():
        deliveries = [Delivery(bytes(body), client, at) for _, at, client, body in chunk]
        ids = [batch_id for batch_id, *_ in chunk]
        items = [(delivery, parse(delivery, fields)) for delivery in deliveries]
        for outcome in store_parsed(con, ids, items):
            totals["batches"] += 1
            totals["events"] += outcome.stored
            totals["duplicates"] += outcome.duplicates
            totals["quarantined"] += outcome.quarantined
        after = ids[-1]
    funnel_state.rebuild(con, bot_click_seconds)
    return totals


@command
def roster_import(
    db: Database, settings: Settings, text: str, replace: bool = False
) -> dict[str, int]:
    try:
        return roster.import_roster(db, text, replace=replace).as_dict()
    except CsvRejected as exc:
        raise CommandError(str(exc)) from None


@command
def completions_import(
    db: Database, settings: Settings, text: str, campaign: str
) -> dict[str, object]:
    _require_campaign(db, campaign)
    try:
        return completions.import_completions(db, campaign, text).as_dict()
    except CsvRejected as exc:
        raise CommandError(str(exc)) from None


@command
def campaigns_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    frame = funnel.campaigns(db)
    for column in ("first_event_at", "last_event_at"):
        frame[column] = frame[column].map(lambda t: t.isoformat())
    return frame.to_dict(orient="records")


@command
def funnel_report(db: Database, settings: Settings, campaign: str) -> dict[str, Any]:
    _require_campaign(db, campaign)
    frame = funnel.funnel(db, campaign, settings.bot_click_seconds)
    return {
        "campaign": campaign,
        "stages": funnel.stage_counts(frame),
        "flags": funnel.flag_counts(frame),
    }


@command
def reminders_export(
    db: Database, settings: Settings, campaign: str, segment: str
) -> dict[str, Any]:
    """The CSV as text (JSON carries it through the admin API), with its row count."""
    if segment not in funnel.SEGMENTS:
        raise CommandError(str(funnel.UnknownSegment(segment)))
    _require_campaign(db, campaign)
    chosen = funnel.segment(funnel.funnel(db, campaign, settings.bot_click_seconds), segment)
    return {"rows": len(chosen), "csv": reminders.reminders_csv(chosen).decode("utf-8")}


def _require_campaign(db: Database, campaign: str) -> None:
    if not funnel.campaign_exists(db, campaign):
        raise CommandError(
            f"There is no campaign {campaign!r}: no event has arrived for it "
            "(`mailpulse campaigns` lists them)."
        )
