"""Storing a completion post: the raw body archived first, then once per event id what it says.

`judge` reads (on a cursor, before the writer); `store` writes in the writer's transaction.
`reprocess` rebuilds receipts and completions from the archive with the same two steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from core import sql
from core.respondents import Resolved, Tokens, resolve
from core.sources import Source
from receiver.completion_payloads import Completion, PayloadRejected, read


@dataclass(frozen=True)
class Post:
    source: Source
    received_at: datetime
    header_id: str | None  # `webhook-id` of a standard post
    body: bytes


@dataclass(frozen=True)
class Answer:
    completed: int
    duplicates: int
    quarantined: int
    rejection: str | None = None  # the body is not JSON: answered 400 after quarantine

    def as_dict(self) -> dict[str, int]:
        return {"completed": self.completed, "duplicates": self.duplicates,
                "quarantined": self.quarantined}  # fmt: skip


@dataclass(frozen=True)
class Judged:
    """What a post says, resolved on a read cursor before the writer sees it: the writer's time
    goes to storing only (resolving a token can mean computing a campaign's tokens)."""

    event_id: str | None  # None: taken from the archived post's id
    campaign: str | None = None
    employee_id: str | None = None  # None: quarantined for `reason`
    completed_at: datetime | None = None
    reason: str | None = None
    rejection: str | None = None  # the body is not JSON: answered 400


def judge(con: duckdb.DuckDBPyConnection, tokens: Tokens, post: Post) -> Judged:
    try:
        done = read(post.source.kind, post.body, post.header_id)
    except PayloadRejected as exc:
        return Judged(post.header_id, reason=str(exc), rejection=str(exc))
    found = resolve(con, tokens, done.who)
    campaign = _campaign(found, done, post.source)
    if isinstance(found, str) or campaign is None:
        reason = found if isinstance(found, str) else "no campaign: neither token, body nor source"
        return Judged(done.event_id or None, campaign, reason=reason)
    at = done.completed_at or post.received_at
    return Judged(done.event_id or None, campaign, found.employee_id, at)


def store(con: duckdb.DuckDBPyConnection, post: Post, judged: Judged) -> Answer:
    """Archives the post, then records what it became, once per event id."""
    params = {"source": post.source.name, "kind": post.source.kind, "body": post.body,
              "received_at": post.received_at, "header_id": post.header_id}  # fmt: skip
    (post_id,) = con.execute(sql.text("insert_completion_post"), params).fetchone()
    return record(con, post, post_id, judged)


def record(con: duckdb.DuckDBPyConnection, post: Post, post_id: int, judged: Judged) -> Answer:
    fields = {"campaign": judged.campaign, "employee_id": judged.employee_id,
              "completed_at": judged.completed_at, "reason": judged.reason}  # fmt: skip
    new = _receipt(con, post, post_id, judged.event_id or f"post:{post_id}", **fields)
    if new and judged.employee_id:
        done = {"campaign": judged.campaign, "employee_id": judged.employee_id,
                "completed_at": judged.completed_at}  # fmt: skip
        con.execute(sql.text("upsert_completion"), done)
    if not new:
        return Answer(0, 1, 0, rejection=judged.rejection)
    completed = 1 if judged.employee_id else 0
    return Answer(completed, 0, 1 - completed, rejection=judged.rejection)


def _campaign(found: Resolved | str, done: Completion, source: Source) -> str | None:
    """From the survey token, else the body, else the source's own campaign."""
    token_campaign = found.campaign if isinstance(found, Resolved) else None
    return token_campaign or done.campaign or source.campaign


def _receipt(
    con: duckdb.DuckDBPyConnection, post: Post, post_id: int, event_id: str, **fields: object
) -> bool:
    """Records what the post became; False when its source already sent this event id."""
    params = {"campaign": None, "employee_id": None, "completed_at": None, "reason": None,
              **fields, "source": post.source.name, "event_id": event_id, "post_id": post_id,
              "received_at": post.received_at}  # fmt: skip
    return bool(con.execute(sql.text("insert_completion_receipt"), params).fetchall())


def rebuild(con: duckdb.DuckDBPyConnection, tokens: Tokens) -> dict[str, int]:
    """Receipts and completions again from every archived post (`reprocess`)."""
    con.execute(sql.text("clear_completion_receipts"))
    rows = con.execute(sql.text("completion_sources_all")).fetchall()
    known = {name: Source(name, kind, campaign, "") for name, kind, campaign in rows}
    totals, after = {"completed": 0, "duplicates": 0, "quarantined": 0}, -1
    while chunk := con.execute(
        sql.text("completion_posts_after"), {"after": after, "limit": 500}
    ).fetchall():
        for post_id, name, kind, received_at, header_id, body in chunk:
            source = known.get(name) or Source(name, kind, None, "")
            post = Post(source, received_at, header_id, bytes(body))
            answer = record(con, post, post_id, judge(con, tokens, post))
            for key in totals:
                totals[key] += getattr(answer, key)
        after = chunk[-1][0]
    return totals
