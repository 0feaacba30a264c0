"""Storing a batch: raw archive first, then its events exactly once, then its quarantine."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from core import sql
from receiver import archive, events_sql
from receiver.events import (
    TIME,
    BatchRejected,
    Fields,
    ParsedBatch,
    first_occurrences,
    parse_body,
    rows_table,
    table_keys,
)

# DuckDB binds a query in ~6 ms of CPU, then types ~5.6 us per event against Python's ~6.5 us
# (bench/RESULTS.md): it pays off from about 5,000 events, some 1 MiB of SendGrid JSON.
DUCKDB_BODY_BYTES = 2**20
# A table costs ~70 us however few its rows, then ~2 us a row: the writer makes one table of the
# rows of a commit's small batches, the parsing thread makes a larger batch's own.
WRITER_TABLE_ROWS = 64
log = logging.getLogger(__name__)
QUARANTINE_SCHEMA = pa.schema(
    [("batch_id", pa.int64()), ("position", pa.int32()), ("received_at", TIME),
     ("reason", pa.string()), ("payload", pa.binary())]
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
    signed_at: int | None = None  # the signature's timestamp header, when signed
    sha256: str = field(init=False)  # of the body: hashed once, outside the writer

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.body).hexdigest())


@dataclass(frozen=True)
class Prepared:
    """A parsed batch, ready for the writer: its distinct valid events as an Arrow table, or as
    Python's rows for a small batch (WRITER_TABLE_ROWS)."""

    events: pa.Table | list[dict[str, Any]]
    quarantined: list[tuple[int | None, str, bytes]]  # position None: the body as a whole
    received: int
    bad: int  # elements quarantined, whether copied one by one or counted in the whole body

    def table(self) -> pa.Table:
        return self.events if isinstance(self.events, pa.Table) else rows_table(self.events)

    def types(self) -> list[str]:
        """The event type of each distinct event."""
        if isinstance(self.events, pa.Table):
            return self.events["event"].to_pylist()
        return [row["event"] for row in self.events]


def parse(delivery: Delivery, fields: Fields) -> Prepared | BatchRejected:
    """Runs outside the writer, so the writer's time goes to storing only. DuckDB reads large
    bodies; smaller ones are read faster in Python than DuckDB binds its query."""
    return prepare(delivery.body, fields, in_duckdb=len(delivery.body) >= DUCKDB_BODY_BYTES)


def prepare(body: bytes, fields: Fields, *, in_duckdb: bool) -> Prepared | BatchRejected:
    """The body as Prepared rows, read by DuckDB (`in_duckdb`, Python for what it cannot read
    exactly) or by Python alone: both give the same rows (tests/receiver/test_events_sql.py)."""
    try:
        read = _in_duckdb(body, fields) if in_duckdb else None
        if read is None:
            batch = parse_body(body, fields)
            rows = batch.rows
            read = (rows_table(rows) if len(rows) > WRITER_TABLE_ROWS else rows), batch
    except BatchRejected as exc:
        return exc
    except Exception as exc:  # a parser bug must not lose an authenticated body
        return BatchRejected(f"The body could not be parsed ({type(exc).__name__}).")
    events, batch = read
    bad = len(batch.quarantined) + batch.more_bad
    return Prepared(events, batch.quarantined + _whole_body(batch), batch.received, bad)


def _in_duckdb(body: bytes, fields: Fields) -> tuple[pa.Table, ParsedBatch] | None:
    try:
        return events_sql.parse(body, fields)
    except Exception:  # a bug of the DuckDB path leaves the body to the Python parser
        log.exception("DuckDB could not read a body; the Python parser reads it.")
        return None


def _whole_body(batch: ParsedBatch) -> list[tuple[int | None, str, bytes]]:
    """Past a few bad elements the body is quarantined once: its bytes are in the archive."""
    if not batch.more_bad:
        return []
    reason = (
        f"{batch.more_bad} more elements from position {batch.first_more} are not events; "
        "the body is in the raw archive under this batch_id."
    )
    return [(None, reason, b"")]


Item = tuple[Delivery, Prepared | BatchRejected]


@dataclass(frozen=True)
class BatchWork:
    """Writer work for one POST; the writer stores all queued BatchWork in one statement set."""

    delivery: Delivery
    parsed: Prepared | BatchRejected

    def __call__(self, con: duckdb.DuckDBPyConnection) -> Outcome:
        return self.together(con, [self])[0]

    @staticmethod
    def together(con: duckdb.DuckDBPyConnection, works: list[BatchWork]) -> list[Outcome]:
        return store_many(con, [(work.delivery, work.parsed) for work in works])


def store_many(con: duckdb.DuckDBPyConnection, items: list[Item]) -> list[Outcome]:
    """Archives the new bodies, then stores what parsing made of them: a few statements in all.
    A body archived before (same bytes, same signature timestamp) gets its first answer again."""
    known = archive.Known(con, [delivery for delivery, _ in items])
    fresh = [item for index, item in enumerate(items) if known.first(index)]
    outcomes = _archive_and_store(con, fresh) if fresh else []
    return known.answers(outcomes, Outcome)


def _archive_and_store(con: duckdb.DuckDBPyConnection, items: list[Item]) -> list[Outcome]:
    ids = [i for (i,) in con.execute(sql.text("next_batch_ids"), {"count": len(items)}).fetchall()]
    _insert(con, "raw_batches", pa.table({
        "batch_id": ids,
        "received_at": [delivery.received_at for delivery, _ in items],
        "client_id": [delivery.client_id for delivery, _ in items],
        "body": [delivery.body for delivery, _ in items],
        "body_sha256": [delivery.sha256 for delivery, _ in items],
        "signed_at": pa.array([delivery.signed_at for delivery, _ in items], pa.int64()),
    }))  # fmt: skip
    return store_parsed(con, ids, items)


def store_parsed(
    con: duckdb.DuckDBPyConnection, ids: list[int], items: list[Item]
) -> list[Outcome]:
    """Derived rows of archived batches `ids`: events exactly once, quarantine, outcomes."""
    stored = _insert_events(con, ids, items)
    _insert(con, "quarantine", _quarantine_rows(ids, items))
    outcomes = [
        _outcome(parsed, stored.get(i, 0)) for i, (_, parsed) in zip(ids, items, strict=True)
    ]
    _insert(con, "batch_outcomes", pa.Table.from_pylist([
        {"batch_id": batch_id, "received_at": delivery.received_at, **vars(outcome)}  # no copy
        for batch_id, (delivery, _), outcome in zip(ids, items, outcomes, strict=True)
    ]))  # fmt: skip
    return outcomes


def _outcome(parsed: Prepared | BatchRejected, stored: int) -> Outcome:
    if isinstance(parsed, BatchRejected):
        return Outcome(0, 0, 0, 1, rejection=str(parsed))
    return Outcome(parsed.received, stored, parsed.received - parsed.bad - stored, parsed.bad)


def _insert_events(
    con: duckdb.DuckDBPyConnection, ids: list[int], items: list[Item]
) -> dict[int, int]:
    """Stored events per batch id. Duplicates inside the group keep their first occurrence."""
    batches = [
        (batch_id, delivery.received_at, parsed.events)
        for batch_id, (delivery, parsed) in zip(ids, items, strict=True)
        if isinstance(parsed, Prepared) and len(parsed.events)
    ]
    if not batches:
        return {}
    rows = _group_table(batches)
    if len(batches) > 1:  # each batch is distinct already; a repeat across batches keeps its first
        rows = rows.take(first_occurrences(table_keys(rows)))
    batch_rows = rows  # noqa: F841 (read by the statement: see _insert)
    params = {"first_ts": pc.min(rows["ts"]).as_py(), "last_ts": pc.max(rows["ts"]).as_py()}
    inserted = con.execute(sql.text("insert_events"), params).fetchall()
    return dict(Counter(batch_id for (batch_id,) in inserted))


def _group_table(batches: list[tuple[int, datetime, pa.Table | list[dict[str, Any]]]]) -> pa.Table:
    """The events of a commit's batches as one table, in their order, each row stamped with its
    batch: Python's rows become one table for them all."""
    if all(isinstance(events, list) for _, _, events in batches):
        table = rows_table([row for _, _, events in batches for row in events])
        stamps = [(batch_id, at) for batch_id, at, events in batches for _ in events]
        table = table.append_column("batch_id", pa.array([i for i, _ in stamps], pa.int64()))
        return table.append_column("received_at", pa.array([at for _, at in stamps], TIME))
    tables = [
        _stamped(events if isinstance(events, pa.Table) else rows_table(events), batch_id, at)
        for batch_id, at, events in batches
    ]
    return pa.concat_tables(tables).combine_chunks()  # one chunk per batch scans ~7x slower


def _stamped(events: pa.Table, batch_id: int, received_at: datetime) -> pa.Table:
    count = events.num_rows
    events = events.append_column("batch_id", pa.repeat(pa.scalar(batch_id, pa.int64()), count))
    return events.append_column("received_at", pa.repeat(pa.scalar(received_at, TIME), count))


def _quarantine_rows(ids: list[int], items: list[Item]) -> pa.Table:
    """Whole bodies that are not a batch (position NULL), and single events that are not events."""
    rows = []
    for batch_id, (delivery, parsed) in zip(ids, items, strict=True):
        kept = (
            parsed.quarantined
            if isinstance(parsed, Prepared)
            else [(None, str(parsed), delivery.body)]
        )
        rows += [(batch_id, position, delivery.received_at, reason, payload)
                 for position, reason, payload in kept]  # fmt: skip
    names = QUARANTINE_SCHEMA.names
    return pa.Table.from_pylist(
        [dict(zip(names, row, strict=True)) for row in rows], QUARANTINE_SCHEMA
    )


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """The statement reads the Arrow table `new_rows` from this frame (DuckDB's replacement scan
    of Python variables): 0.6 ms less a statement than register and unregister, on the writer's
    path of every commit."""
    if rows.num_rows:
        new_rows = rows  # noqa: F841
        con.execute(sql.text(f"insert_{table}"))
