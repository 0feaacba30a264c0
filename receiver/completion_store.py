"""Storing a completion post: the raw body archived first, then once per event id what it says.

Both run in the writer's transaction; `derive` is also how `reprocess` rebuilds receipts and
completions from the archive.
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


def store(con: duckdb.DuckDBPyConnection, tokens: Tokens, post: Post) -> Answer:
    params = {"source": post.source.name, "kind": post.source.kind, "body": post.body,
              "received_at": post.received_at, "header_id": post.header_id}  # fmt: skip
    (post_id,) = con.execute(sql.text("insert_completion_post"), params).fetchone()
    return derive(con, tokens, post_id, post)


def derive(con: duckdb.DuckDBPyConnection, tokens: Tokens, post_id: int, post: Post) -> Answer:
    try:
        completion = read(post.source.kind, post.body, post.header_id)
    except PayloadRejected as exc:
        event_id = post.header_id or f"post:{post_id}"
        new = _receipt(con, post, post_id, event_id, reason=str(exc))
        return Answer(0, 0 if new else 1, 1 if new else 0, rejection=str(exc))
    if not completion.event_id:
        completion = Completion(f"post:{post_id}", completion.who, completion.completed_at,
                                completion.campaign)  # fmt: skip
    return _resolved(con, tokens, post_id, post, completion)


def _resolved(
    con: duckdb.DuckDBPyConnection, tokens: Tokens, post_id: int, post: Post, done: Completion
) -> Answer:
    found = resolve(con, tokens, done.who)
    campaign = _campaign(found, done, post.source)
    if isinstance(found, str) or campaign is None:
        reason = found if isinstance(found, str) else "no campaign: neither token, body nor source"
        new = _receipt(con, post, post_id, done.event_id, campaign=campaign, reason=reason)
        return Answer(0, 0 if new else 1, 1 if new else 0)
    at = done.completed_at or post.received_at
    new = _receipt(con, post, post_id, done.event_id, campaign=campaign,
                   employee_id=found.employee_id, completed_at=at)  # fmt: skip
    if new:
        params = {"campaign": campaign, "employee_id": found.employee_id, "completed_at": at}
        con.execute(sql.text("upsert_completion"), params)
    return Answer(1 if new else 0, 0 if new else 1, 0)


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
            answer = derive(con, tokens, post_id, Post(source, received_at, header_id, bytes(body)))
            for key in totals:
                totals[key] += getattr(answer, key)
        after = chunk[-1][0]
    return totals
