"""The funnel state: each recipient's judged events, kept per campaign.

Judging 500k+ events for every page view costs too much at 10M stored events; the state holds
the verdicts (`sql/recipient_states.sql`) and a read judges again, on its own snapshot, only the
recipients that events since the stored state touched, and lays those verdicts over it. Now and
then a read hands them to the writer to store; it never waits for that, and ingestion waits
for a store at most every STORE_EVERY_SECONDS.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from core import sql
from core.database import Database

EVERYONE = -1  # a `since` before every batch: judge every recipient of the campaign again
# The IP rule of bot clicks: this many recipients clicking from one IP within this window.
BOT_IP_RECIPIENTS = 5
BOT_IP_WINDOW_SECONDS = 10
STORE_EVERY_SECONDS = 2.0  # reads in between judge what changed since, on their own snapshot
_stored_at: dict[tuple[Path, str], float] = {}
_stored_at_lock = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Build:
    """What a campaign's state reflects, and what it would reflect if refreshed now."""

    bot_click_seconds: int | None
    last_batch_id: int | None
    roster_hash: int | None
    latest_batch_id: int | None
    roster_hash_now: int

    @property
    def stored(self) -> tuple[int | None, int | None, int | None]:
        return self.bot_click_seconds, self.last_batch_id, self.roster_hash

    def fresh(self, bot_click_seconds: int) -> bool:
        return self.last_batch_id == self.latest_batch_id and self.reusable(bot_click_seconds)

    def reusable(self, bot_click_seconds: int) -> bool:
        """Only new events are missing: the other rows are still right."""
        return (
            self.bot_click_seconds == bot_click_seconds and self.roster_hash == self.roster_hash_now
        )

    def since(self, bot_click_seconds: int) -> int:
        if self.reusable(bot_click_seconds) and self.last_batch_id is not None:
            return self.last_batch_id
        return EVERYONE


def build(con: duckdb.DuckDBPyConnection, campaign: str) -> Build:
    (row,) = con.execute(sql.text("funnel_state_build"), {"campaign": campaign}).fetchall()
    return Build(*row)


def read_fresh(
    db: Database, cur: duckdb.DuckDBPyConnection, campaign: str, bot_click_seconds: int
) -> int:
    """On `cur`, in its open transaction: registers `fresh_states`, the verdicts that differ from
    the stored state in this snapshot, and returns the `since` they were judged from (with
    EVERYONE, `funnel.sql` ignores the stored rows). Every STORE_EVERY_SECONDS at most, the writer
    is handed them to store; the read does not wait for it.
    """
    start = build(cur, campaign)
    since = start.since(bot_click_seconds)
    if start.fresh(bot_click_seconds):
        cur.register("fresh_states", cur.sql(sql.text("funnel_state_columns")).to_arrow_table())
        return since
    states = judged(cur, campaign, bot_click_seconds, since)
    cur.register("fresh_states", states)
    if _store_due(db.path, campaign):
        stored = db.writer.submit(
            lambda con: store(con, campaign, bot_click_seconds, since, start, states)
        )
        stored.add_done_callback(_log_failure)
    return since


def _store_due(path: Path, campaign: str) -> bool:
    now = time.monotonic()
    with _stored_at_lock:
        if now - _stored_at.get((path, campaign), -math.inf) < STORE_EVERY_SECONDS:
            return False
        _stored_at[(path, campaign)] = now
        return True


def _log_failure(stored: Future) -> None:
    if stored.exception():  # the state stays as it was: later reads judge the new events again
        log.warning("Storing the funnel state failed: %s", stored.exception())


def judged(
    con: duckdb.DuckDBPyConnection, campaign: str, bot_click_seconds: int, since: int
) -> pa.Table:
    params = {
        "campaign": campaign,
        "since": since,
        "bot_click_seconds": bot_click_seconds,
        "bot_ip_recipients": BOT_IP_RECIPIENTS,
        "bot_ip_window_us": BOT_IP_WINDOW_SECONDS * 1_000_000,
    }
    return con.sql(sql.text("recipient_states"), params=params).to_arrow_table()


def store(
    con: duckdb.DuckDBPyConnection,
    campaign: str,
    bot_click_seconds: int,
    since: int,
    start: Build,
    states: pa.Table,
) -> None:
    """In the writer: `states`, judged since `since` in the snapshot `start` was read in.

    Unless the stored build changed meanwhile (a reprocess rebuilt it, say): then they are stale.
    """
    stored = con.execute(sql.text("funnel_state_stored"), {"campaign": campaign}).fetchall()
    if (stored[0] if stored else (None, None, None)) != start.stored:
        return
    con.register("fresh_states", states)
    try:
        replaced = "delete_campaign_states" if since == EVERYONE else "delete_recipient_states"
        con.execute(sql.text(replaced), {"campaign": campaign})
        con.execute(sql.text("insert_recipient_states"))
    finally:
        con.unregister("fresh_states")
    con.execute(
        sql.text("upsert_funnel_state_build"),
        {
            "campaign": campaign,
            "bot_click_seconds": bot_click_seconds,
            "last_batch_id": start.latest_batch_id,
            "roster_hash": start.roster_hash_now,
        },
    )


def rebuild(con: duckdb.DuckDBPyConnection, bot_click_seconds: int) -> None:
    """In the writer: every campaign's state from scratch (`reprocess` rebuilt the events)."""
    for (campaign,) in con.execute(sql.text("event_campaigns")).fetchall():
        start = build(con, campaign)
        states = judged(con, campaign, bot_click_seconds, EVERYONE)
        store(con, campaign, bot_click_seconds, EVERYONE, start, states)
