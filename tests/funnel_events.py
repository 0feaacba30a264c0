"""Hand-made SendGrid events, stored exactly as the receiver stores a batch."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import orjson
import pandas as pd

from core import funnel, roster
from core.database import Database
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
CAMPAIGN = "survey-2026"
_ids = itertools.count(1)


def sg(event: str, at: float, employee_id: str | None = "E1", **extra: Any) -> dict[str, Any]:
    """One event `at` seconds after T0, for employee E1 (email e1@corp.example) unless told."""
    n = next(_ids)
    item = {
        "event": event,
        "timestamp": T0 + at,
        "email": f"{(employee_id or 'nobody').lower()}@corp.example",
        "campaign": CAMPAIGN,
        "sg_event_id": f"test-{n}",
        "sg_message_id": f"msg-{employee_id}.filter",
        **extra,
    }
    if employee_id is not None:
        item["employee_id"] = employee_id
    return item


def ingest(db: Database, *events: dict[str, Any], fields: Fields | None = None) -> None:
    """One batch, as if SendGrid had posted it now."""
    ingest_body(db, orjson.dumps(list(events)), fields)


def ingest_body(db: Database, body: bytes, fields: Fields | None = None) -> None:
    delivery = Delivery(body, None, datetime.now(UTC))
    prepared = parse(delivery, fields or Fields())
    db.write(lambda con: store_many(con, [(delivery, prepared)])[0])


def employees(db: Database, *rows: str, header: str = "employee_id,email,name,department") -> None:
    roster.import_roster(db, "\n".join([header, *rows]) + "\n")


def funnel_of(db: Database, campaign: str = CAMPAIGN, seconds: int = 60) -> pd.DataFrame:
    return funnel.funnel(db, campaign, seconds)


def row(db: Database, employee_id: str = "E1", seconds: int = 60) -> dict[str, Any]:
    frame = funnel_of(db, seconds=seconds)
    found = frame[frame["employee_id"] == employee_id]
    assert len(found) == 1, f"{employee_id} is not in the funnel: {frame['employee_id'].tolist()}"
    return found.iloc[0].to_dict()


def at(seconds: float) -> pd.Timestamp:
    return pd.Timestamp(T0 + seconds, unit="s", tz="UTC")
