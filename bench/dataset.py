"""Benchmark databases: N events stored (live campaign 'bench' and older ones) and a roster."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.database import Database

HERE = Path(__file__).parent


def employees_for(events: int) -> int:
    """60k events → 2,000 employees; 1M → 20,000; 10M → 100,000 (the issue's sizes)."""
    return max(2_000, min(100_000, events // 50))


def preload(path: Path, events: int) -> None:
    database = Database(path)
    employees = employees_for(events)
    until = datetime.now(UTC)
    roster = (HERE / "preload_roster.sql").read_text()
    fill = (HERE / "preload_events.sql").read_text()
    database.write(lambda con: con.execute(roster, {"employees": employees}))
    if events:
        params = {"n": events, "employees": employees, "until": until}
        database.write(lambda con: con.execute(fill, params))
    database.close()
