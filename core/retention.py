"""Retention and erasure: a campaign's person-level data purged (aggregates kept), one person
forgotten everywhere, the raw archive included, so that `reprocess` brings nothing back.

Person-level tables a purge or forget must cover: events, funnel_state, completions, quarantine,
raw_batches (bodies rewritten, `redacted_at` set), sends, survey tools' posts and receipts, roster,
users, sign_in_failures, audit actors. A new person-level table goes into purge_campaign.sql and
forget_person.sql.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import duckdb
import pandas as pd

from core import audit, funnel, sql
from core.database import Database
from core.errors import UserError

SMALLEST_GROUP = 5
CHUNK = 200
Keep = Callable[[dict[str, Any]], bool]


def purge(db: Database, campaign: str, fields: tuple[str, str], bot_click: int, actor: str):
    """Purges `campaign` now; returns how many people's data went."""
    funnel.require_campaign(db, campaign)
    kept = anonymous(funnel.funnel(db, campaign, bot_click))
    counts = funnel.campaigns(db)
    keep: Keep = lambda item: _campaign_of(item, fields[0]) != campaign  # noqa: E731
    db.vacuum_soon()  # the checkpoint after this commit rewrites what the purge thinned
    db.write(lambda con: _purge(con, campaign, kept, counts, keep, actor))
    return {"campaign": campaign, "people": len(kept)}


def purge_due(db: Database, days: int, fields: tuple[str, str], bot_click: int) -> list[str]:
    """What the server runs daily: every campaign past MAILPULSE_RETENTION_DAYS."""
    due = [name for (name,) in db.rows("campaigns_due_for_purge", days=days)]
    for name in due:
        purge(db, name, fields, bot_click, "server:retention")
    return due


def anonymous(people: pd.DataFrame) -> pd.DataFrame:
    """Stage and flags per person, by department; departments under 5 fold into other."""
    department = people["department"].fillna("(unknown)")
    sizes = department.map(department.value_counts())
    department = department.where(sizes >= SMALLEST_GROUP, "other")
    columns = ["stage", "machine_open", "bot_click", "opted_out"]
    return people[columns].assign(department=department)


def _purge(con, campaign, kept, counts, keep: Keep, actor: str) -> None:
    con.register("kept_people", kept)
    con.register("campaign_counts", counts)
    try:
        con.execute(sql.text("aggregate_insert"), {"campaign": campaign})
        con.execute(sql.text("purged_campaign_insert"), {"campaign": campaign})
    finally:
        con.unregister("kept_people")
        con.unregister("campaign_counts")
    _rewrite_archive(con, keep, needles=())
    _statements(con, "purge_campaign", {"campaign": campaign})
    audit.record_in(con, actor, "purge", campaign=campaign, rows=len(kept))


def forget(db: Database, employee_id: str | None, email: str | None, fields, actor: str):
    if not (employee_id or email) or (employee_id and email):
        raise UserError("Name the person by exactly one of --employee or --email.")
    email = email.strip().lower() if email else None
    db.vacuum_soon()
    db.write(lambda con: _forget(con, employee_id, email, fields[1], actor))
    return {"forgotten": 1}


def _forget(con, employee_id, email, employee_field: str, actor: str) -> None:
    found = con.execute(sql.text("person_ids"), {"employee_id": employee_id, "email": email})
    pairs = found.fetchall()
    ids = sorted({i for i, _ in pairs if i} | ({employee_id} if employee_id else set()))
    emails = sorted({e for _, e in pairs if e} | ({email} if email else set()))
    if not pairs:
        raise UserError("mailpulse knows nobody by that employee id or email.")

    def keep(item: dict[str, Any]) -> bool:
        person = str(item.get(employee_field) or "").strip()
        address = str(item.get("email") or "").strip().lower()
        return person not in ids and address not in emails

    _rewrite_archive(con, keep, needles=(*ids, *emails))
    _statements(con, "forget_person", {"ids": ids, "emails": emails})
    audit.record_in(con, actor, "forget", rows=1, detail="one person erased")


def _rewrite_archive(con: duckdb.DuckDBPyConnection, keep: Keep, needles: tuple[str, ...]):
    """Raw bodies without the events `keep` refuses; bodies that are no JSON array lose all
    if they mention a needle. Quarantined payloads likewise."""
    after = -1
    while chunk := con.execute(
        sql.text("raw_bodies_all"), {"after": after, "limit": CHUNK}
    ).fetchall():
        for batch_id, body in chunk:
            rewritten = _kept(bytes(body), keep, needles)
            if rewritten is not None:
                con.execute(sql.text("raw_body_redact"), {"batch_id": batch_id, "body": rewritten})
        after = chunk[-1][0]
    gone = [rowid for rowid, payload in con.execute(sql.text("quarantine_all")).fetchall()
            if _kept(bytes(payload), keep, needles, single=True) is not None]  # fmt: skip
    if gone:
        con.execute(sql.text("quarantine_delete"), {"rowids": gone})


def _kept(body: bytes, keep: Keep, needles: tuple[str, ...], single: bool = False) -> bytes | None:
    """The body rewritten, or None when nothing in it has to go."""
    try:
        items = json.loads(body)
    except ValueError:
        items = None
    if single and isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        lowered = body.decode("utf-8", "replace").lower()
        return b"[]" if any(n.lower() in lowered for n in needles) else None
    left = [item for item in items if not isinstance(item, dict) or keep(item)]
    if len(left) == len(items):
        return None
    return json.dumps(left, separators=(",", ":"), ensure_ascii=False).encode()


def _campaign_of(item: dict[str, Any], field_name: str) -> str:
    """The SPEC's rule (as receiver/events.py applies it): custom arg, name, first category."""
    category = item.get("category")
    first = category[0] if isinstance(category, list) and category else category
    for candidate in (item.get(field_name), item.get("marketing_campaign_name"), first):
        usable = candidate is not None and not isinstance(candidate, (dict, list))
        if usable and (text := str(candidate).strip()):
            return text
    return "(none)"


def _statements(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> None:
    """Each statement of a multi-statement file, given only the parameters it names."""
    for statement in sql.text(name).split(";"):
        code = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
        if code.strip():
            used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", code)}
            con.execute(code, used)
