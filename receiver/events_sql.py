"""A SendGrid body typed by DuckDB's JSON reader (core/sql/parse_events.sql), as events.py types
it: Python reads only the events SQL cannot type exactly, and writes the content keys (orjson
writes sorted JSON faster than SQL builds it). Each thread has its own in-memory connection."""

from __future__ import annotations

import os
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from core import sql
from receiver.events import (
    KEY_HALVES,
    ROW_SCHEMA,
    Fields,
    ParsedBatch,
    content_key,
    first_occurrences,
    id_key,
    key_half,
    parse_items,
    rows_table,
    table_keys,
)

SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
# The order parse_events.sql reads them in, after the campaign and employee fields.
NAMED = (
    "event", "timestamp", "sg_event_id", "email", "sg_message_id", "send_id", "type", "reason",
    "ip", "useragent", "url", "marketing_campaign_name", "sg_machine_open", "asm_group_id",
)  # fmt: skip
_local = threading.local()
# DuckDB 2.0 suggests con.sql() for Arrow output: with parameters it binds twice, which costs
# more than the copy it warns about (pyproject.toml ignores it in tests too).
warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)


def parse(body: bytes, fields: Fields) -> tuple[pa.Table, ParsedBatch] | None:
    """The body's distinct events and what it quarantined; None where only events.parse_body
    reads it as it must (not JSON to orjson, not an array, an element that is not an object or
    repeats a key: DuckDB's reader refuses those bodies)."""
    columns = _columns(fields)
    try:
        items = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if columns is None or type(items) is not list or not items:
        return None
    try:
        typed = _typed(body, columns)
    except (duckdb.Error, UnicodeDecodeError):  # the error's quote of the body may cut a character
        return None
    if typed.num_rows != len(items):
        return None
    batch = ParsedBatch(received=len(items))
    fast = typed["fast"].to_pylist()
    ids = typed["sg_event_id"].to_pylist()
    keys, slow = [], []
    for position, item in enumerate(items):
        if not fast[position]:
            slow.append((position, item))
            continue
        content = content_key(item)
        keys.append({"event_key": id_key(ids[position]) if ids[position] else content,
                     "content_key": content})  # fmt: skip
    table = typed.filter(typed["fast"]).drop_columns("fast")
    for name in KEY_HALVES:
        table = table.append_column(name, key_half(keys, name))
    table = table.select(ROW_SCHEMA.names).cast(ROW_SCHEMA)
    if slow:
        table = pa.concat_tables([table, rows_table(parse_items(batch, slow, fields))])
        table = table.sort_by("position")
    keep = first_occurrences(table_keys(table))
    if len(keep) < table.num_rows:
        table = table.take(keep)
    return table, batch


def _columns(fields: Fields) -> dict[str, str] | None:
    """read_json's columns; None when a configured field is one of the names read anyway."""
    names = (fields.campaign, fields.employee, *NAMED, "category")
    if len(set(names)) < len(names):
        return None
    return {name: "VARCHAR" for name in names[:-1]} | {"category": "JSON"}


def _typed(body: bytes, columns: dict[str, str]) -> pa.Table:
    con = _connection()
    handle, name = tempfile.mkstemp(suffix=".json", dir=SCRATCH)  # mode 0600
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        params: dict[str, Any] = {"path": name, "columns": columns}
        return con.execute(sql.text("parse_events"), params).to_arrow_reader().read_all()
    finally:
        os.unlink(name)


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect(":memory:")
        con.execute("SET threads = 1")  # keeps the array's order, and the cores for the server
        con.execute("SET memory_limit = '256MiB'")
        con.execute("SET TimeZone = 'UTC'")
        con.execute(sql.text("parse_macros"))
        _local.con = con
    return con
