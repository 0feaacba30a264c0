"""The funnel state: each recipient's judged events, kept per campaign and refreshed before a read.

Judging 500k+ events for every page view costs too much at 10M stored events; the state holds
the verdicts (`sql/recipient_states.sql`) and a refresh judges again only the recipients that
events since the last refresh touched. The judging runs on a read cursor's snapshot, so the
writer (and with it ingestion) waits only for the few statements that store the verdicts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from mailpulse import sql
from mailpulse.database import Database

EVERYONE = -1  # a `since` before every batch: judge every recipient of the campaign again
_refreshing = threading.Lock()  # one refresh at a time: a second caller finds the state fresh


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


def ensure_fresh(db: Database, campaign: str, bot_click_seconds: int) -> None:
    """Once this returns, the state reflects every event stored before it was called."""
    with db.cursor() as cur:
        if build(cur, campaign).fresh(bot_click_seconds):
            return
    with _refreshing:
        with db.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")  # one snapshot for the build and the events
            try:
                start = build(cur, campaign)
                if start.fresh(bot_click_seconds):
                    return
                since = start.since(bot_click_seconds)
                states = judged(cur, campaign, bot_click_seconds, since)
            finally:
                cur.execute("ROLLBACK")  # it only read
        db.write(lambda con: store(con, campaign, bot_click_seconds, since, start, states))


def judged(
    con: duckdb.DuckDBPyConnection, campaign: str, bot_click_seconds: int, since: int
) -> pa.Table:
    params = {"campaign": campaign, "bot_click_seconds": bot_click_seconds, "since": since}
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
