"""The audit trail: who exported, sent, imported, changed or erased what, and every sign-in.

Rows name the actor and count the people an action was about, never who they were. Every row is
written through the one writer; callers that serve data (exports) record first and serve only
once the row is committed.

Who calls `record`: exports (dashboard download, `mailpulse reminders`), imports, clients,
sources, users, sign-ins, purge and forget. A send job must call
`record(db, actor, "send", campaign=C, segment=S, rows=recipients)` once it is queued.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import duckdb

from core import sql
from core.database import Database
from core.errors import UserError

T = TypeVar("T")
FIELDS = ("at", "actor", "action", "campaign", "segment", "rows", "detail")


class AuditUnavailable(UserError):
    """The audit row could not be written: the audited action does not happen."""


def record(
    db: Database,
    actor: str,
    action: str,
    *,
    campaign: str | None = None,
    segment: str | None = None,
    rows: int | None = None,
    detail: str | None = None,
) -> None:
    """Returns once the row is committed; raises AuditUnavailable when it cannot be."""
    try:
        db.write(lambda con: record_in(con, actor, action, campaign, segment, rows, detail))
    except Exception as exc:
        raise AuditUnavailable(
            f"The audit trail cannot be written ({type(exc).__name__}), so {action} is refused."
        ) from exc


def record_in(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    action: str,
    campaign: str | None = None,
    segment: str | None = None,
    rows: int | None = None,
    detail: str | None = None,
) -> None:
    """Inside a writer's transaction: the row commits (or not) with the action itself."""
    values = dict(actor=actor, action=action, campaign=campaign, segment=segment, rows=rows)
    con.execute(sql.text("audit_insert"), {**values, "detail": detail})


def audited_export(
    db: Database,
    actor: str,
    campaign: str,
    segment: str,
    rows: int,
    build: Callable[[], T],
    detail: str | None = None,
) -> T:
    """An export's data, built only after its audit row is committed (`detail`: its format,
    when not the plain CSV)."""
    record(db, actor, "export", campaign=campaign, segment=segment, rows=rows, detail=detail)
    return build()


def since(db: Database, moment: datetime | None = None) -> list[dict[str, Any]]:
    frame = db.frame("audit_since", since=moment)
    frame["at"] = frame["at"].map(lambda t: t.isoformat())
    frame = frame.astype("object").where(frame.notna(), None)
    return frame.to_dict(orient="records")
