"""Storing a batch: raw archive first, then its events exactly once, then its quarantine."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from mailpulse import sql
from receiver.events import BatchRejected, Fields, parse_body

ROW_SCHEMA = pa.schema(
    [
        ("event_key", pa.string()), ("position", pa.int32()), ("event", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")), ("email", pa.string()), ("campaign", pa.string()),
        ("employee_id", pa.string()), ("message_id", pa.string()), ("sg_event_id", pa.string()),
        ("type", pa.string()), ("reason", pa.string()), ("ip", pa.string()),
        ("useragent", pa.string()), ("url", pa.string()), ("machine_open", pa.bool_()),
        ("asm_group_id", pa.int64()), ("payload", pa.string()),
    ]
)  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    received: int
    stored: int
    duplicates: int
    quarantined: int
    rejection: str | None = None  # why the whole body was refused (answered with 400)


@dataclass(frozen=True)
class Delivery:
    """One authenticated POST, as received."""

    body: bytes
    client_id: str | None
    received_at: datetime


@dataclass(frozen=True)
class Prepared:
    """A parsed batch, ready for the writer: its distinct valid events as an Arrow table."""

    events: pa.Table
    quarantined: list[tuple[int, str, bytes]]
    received: int


def parse(delivery: Delivery, fields: Fields) -> Prepared | BatchRejected:
    """Runs outside the writer, so the writer's time goes to storing only."""
    try:
        batch = parse_body(delivery.body, fields)
        columns = {name: [row[name] for row in batch.rows] for name in ROW_SCHEMA.names}
        events = pa.table(columns, schema=ROW_SCHEMA)  # faster than from_pylist
    except BatchRejected as exc:
        return exc
    except Exception as exc:  # a parser bug must not lose an authenticated body
        return BatchRejected(f"The body could not be parsed ({type(exc).__name__}).")
    return Prepared(events, batch.quarantined, batch.received)


def store(
    con: duckdb.DuckDBPyConnection, delivery: Delivery, parsed: Prepared | BatchRejected
) -> Outcome:
    """Writer work: archive the body, then store what parsing made of it."""
    params = {"received_at": delivery.received_at, "client_id": delivery.client_id}
    (batch_id,) = con.execute(
        sql.text("insert_raw_batch"), {**params, "body": delivery.body}
    ).fetchone()
    return store_parsed(con, batch_id, delivery, parsed)


def store_parsed(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    delivery: Delivery,
    parsed: Prepared | BatchRejected,
) -> Outcome:
    if isinstance(parsed, BatchRejected):
        _quarantine(con, batch_id, delivery.received_at, None, str(parsed), delivery.body)
        outcome = Outcome(0, 0, 0, 1, rejection=str(parsed))
    else:
        stored = _insert_events(con, batch_id, delivery.received_at, parsed.events)
        for position, reason, payload in parsed.quarantined:
            _quarantine(con, batch_id, delivery.received_at, position, reason, payload)
        quarantined = len(parsed.quarantined)
        duplicates = parsed.received - quarantined - stored
        outcome = Outcome(parsed.received, stored, duplicates, quarantined)
    con.execute(
        sql.text("insert_batch_outcome"),
        {"batch_id": batch_id, "received_at": delivery.received_at, **asdict(outcome)},
    )
    return outcome


def _insert_events(
    con: duckdb.DuckDBPyConnection, batch_id: int, received_at: datetime, batch_rows: pa.Table
) -> int:
    if not batch_rows.num_rows:
        return 0
    con.register("batch_rows", batch_rows)
    try:
        times = batch_rows["ts"]
        params = {
            "batch_id": batch_id,
            "received_at": received_at,
            "first_ts": pc.min(times).as_py(),
            "last_ts": pc.max(times).as_py(),
        }
        (stored,) = con.execute(sql.text("insert_events"), params).fetchone()
    finally:
        con.unregister("batch_rows")
    return stored


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    received_at: datetime,
    position: int | None,
    reason: str,
    payload: bytes,
) -> None:
    con.execute(
        sql.text("insert_quarantine"),
        {
            "batch_id": batch_id,
            "position": position,
            "received_at": received_at,
            "reason": reason,
            "payload": payload,
        },
    )
