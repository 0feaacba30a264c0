"""The funnel of a campaign, one row per employee, exactly as SQL defines it.

`sql/recipient_states.sql` judges each recipient's events (kept in the funnel state, see
`funnel_state`), `sql/funnel.sql` adds the roster, the completions and the stage.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from core import funnel_state, sql
from core.database import Database
from core.errors import UserError

STAGES = ("completed", "clicked", "opened", "delivered", "bounced", "deferred", "sent", "not_sent")
STEPS = STAGES[3::-1]  # delivered → opened → clicked → completed, as people take them
FLAGS = ("opted_out", "machine_open", "bot_click")
COLUMNS = (
    "employee_id", "email", "name", "department", "manager", "manager_id", "location",
    "timezone", "stage",
    *FLAGS, "delivered_at", "opened_at", "clicked_at", "last_event_at", "reason",
    "mails_sent", "last_mailed_at",
)  # fmt: skip
# Reminder segments by stage; opted_out is the flag, and its employees are in no other segment.
SEGMENTS: dict[str, tuple[str, ...]] = {
    "not_sent": ("not_sent",),
    "undelivered": ("bounced",),
    "pending": ("sent", "deferred"),
    "unopened": ("delivered",),
    "unclicked": ("opened",),
    "incomplete": ("clicked",),
    "opted_out": (),
}


class UnknownSegment(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(f"There is no segment {name!r}; the segments are: {', '.join(SEGMENTS)}.")


def funnel(db: Database, campaign: str, bot_click_seconds: int) -> pd.DataFrame:
    """Sorted by employee_id (unknown people first), then email; every stored event counts."""
    with db.cursor() as cur:
        cur.execute("BEGIN TRANSACTION")  # one snapshot: stored state, new events, roster
        try:
            since = funnel_state.read_fresh(db, cur, campaign, bot_click_seconds)
            return _arrow_frame(cur, "funnel", campaign=campaign, since=since)
        finally:
            cur.execute("ROLLBACK")  # it only read


def campaigns(db: Database) -> pd.DataFrame:
    return _frame(db, "campaigns")


def campaign_exists(db: Database, campaign: str) -> bool:
    return bool(db.rows("campaign_exists", campaign=campaign)[0][0])


def require_campaign(db: Database, campaign: str) -> None:
    if not campaign_exists(db, campaign):
        raise UserError(
            f"There is no campaign {campaign!r}: no event has arrived for it "
            "(`mailpulse campaigns` lists them)."
        )


def check_segment(name: str) -> None:
    if name not in SEGMENTS:
        raise UnknownSegment(name)


def segment(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Roster employees only: an address not on the roster is never reminded (SPEC)."""
    check_segment(name)
    frame = employees(frame)
    if name == "opted_out":
        return frame[frame["opted_out"]]
    return frame[frame["stage"].isin(SEGMENTS[name]) & ~frame["opted_out"]]


def employees(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of roster employees (an address not on the roster has no employee_id); a
    purged campaign's kept counts have no employee_id and are all employees."""
    return frame[frame["employee_id"].notna()] if "employee_id" in frame else frame


def not_on_roster(frame: pd.DataFrame) -> pd.DataFrame:
    """Addresses with events but no roster entry (a test mailbox, a forward): counted apart."""
    return frame[frame["employee_id"].isna()] if "employee_id" in frame else frame.iloc[:0]


def reached(step: str) -> tuple[str, ...]:
    """The stages of the people who got at least as far as `step`."""
    return STAGES[: STAGES.index(step) + 1]


def stage_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Every stage, zeros included, in funnel order: roster employees only."""
    return _by_stage(employees(frame))


def flag_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {flag: int(employees(frame)[flag].sum()) for flag in FLAGS}


def not_on_roster_counts(frame: pd.DataFrame) -> dict[str, int]:
    """`funnel --json`'s "not_on_roster": every stage, zeros included, of the addresses apart."""
    return _by_stage(not_on_roster(frame))


def _by_stage(frame: pd.DataFrame) -> dict[str, int]:
    counts = frame["stage"].value_counts()
    return {stage: int(counts.get(stage, 0)) for stage in STAGES}


def _frame(db: Database, name: str, **params: Any) -> pd.DataFrame:
    with db.cursor() as cur:
        return _arrow_frame(cur, name, **params)


def _arrow_frame(cur: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    # Through Arrow: several times faster than DuckDB's own DataFrame conversion for wide frames.
    return cur.sql(sql.text(name), params=params or None).to_arrow_table().to_pandas()
