"""Tolerant parsing of a SendGrid batch into event rows, or quarantine with a reason."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
import pyarrow as pa

from receiver import nesting

MILLISECONDS_ABOVE = 10**11  # larger epoch values are milliseconds
KEEP_BAD_ELEMENTS = 100  # past this, bad elements are counted, not copied: the archive has them
EARLIEST, LATEST = 0, 32_503_680_000  # 1970 .. 3000: anything else is not a real event time


TOO_DEEP = "The event is nested too deeply to be read."
TIME = pa.timestamp("us", tz="UTC")
KEY_HALVES = ("event_key_hi", "event_key_lo", "content_key_hi", "content_key_lo")
LOW_64 = 2**64 - 1
ROW_SCHEMA = pa.schema(
    [
        *((name, pa.uint64()) for name in KEY_HALVES), ("send_id", pa.string()),
        ("position", pa.int32()), ("event", pa.string()),
        ("ts", TIME), ("email", pa.string()), ("campaign", pa.string()),
        ("employee_id", pa.string()), ("message_id", pa.string()), ("sg_event_id", pa.string()),
        ("type", pa.string()), ("reason", pa.string()), ("ip", pa.string()),
        ("useragent", pa.string()), ("url", pa.string()), ("machine_open", pa.bool_()),
        ("asm_group_id", pa.int64()),
    ]
)  # fmt: skip


class BatchRejected(Exception):
    """The body as a whole is not a SendGrid batch (not JSON, or not an array)."""


@dataclass
class ParsedBatch:
    rows: list[dict[str, Any]] = field(default_factory=list)  # one per distinct event
    quarantined: list[tuple[int, str, bytes]] = field(default_factory=list)
    received: int = 0
    more_bad: int = 0  # bad elements past KEEP_BAD_ELEMENTS: one whole-body quarantine row
    first_more: int | None = None  # the position of the first of them

    def bad(self, position: int, reason: str, item: Any) -> None:
        """Memory stays proportional to the body: only the first few bad elements are copied."""
        if len(self.quarantined) < KEEP_BAD_ELEMENTS:
            self.quarantined.append((position, reason, dumps(item)))
            return
        if self.first_more is None:
            self.first_more = position
        self.more_bad += 1


@dataclass(frozen=True)
class Fields:
    """Which custom args name the campaign and the employee."""

    campaign: str = "campaign"
    employee: str = "employee_id"


def parse_body(body: bytes, fields: Fields) -> ParsedBatch:
    items = load_json(body)
    if not isinstance(items, list):
        raise BatchRejected(f"The body is a JSON {json_type(items)}, not an array of events.")
    batch = ParsedBatch(received=len(items))
    rows = parse_items(batch, enumerate(items), fields)
    keep = first_occurrences([(row["event_key"], row["content_key"]) for row in rows])
    batch.rows = [rows[i] for i in keep]
    return batch


def parse_items(
    batch: ParsedBatch, items: Iterable[tuple[int, Any]], fields: Fields
) -> list[dict[str, Any]]:
    """Rows of the (position, element) pairs that are events; the others go to `batch.bad`."""
    rows = []
    for position, item in items:
        if type(item) is not dict:  # no exception per element: a body may hold millions
            batch.bad(position, not_an_object(item), item)
            continue
        try:
            row = parse_event(item, fields)
        except ValueError as exc:
            batch.bad(position, str(exc), item)
            continue
        except RecursionError:
            batch.bad(position, TOO_DEEP, item)
            continue
        row["position"] = position
        rows.append(row)
    return rows


def first_occurrences(keys: Iterable[tuple[int, int]]) -> list[int]:
    """Indices of the events to keep: an event whose sg_event_id key or content key came before
    is stored once per batch."""
    seen: set[int] = set()
    keep = []
    for index, (event_key, content) in enumerate(keys):
        if event_key not in seen and content not in seen:
            seen.update((event_key, content))
            keep.append(index)
    return keep


def rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    columns = {
        name: key_half(rows, name) if name in KEY_HALVES else [row[name] for row in rows]
        for name in ROW_SCHEMA.names
    }
    return pa.table(columns, schema=ROW_SCHEMA)  # faster than from_pylist


def key_half(rows: list[dict[str, Any]], half: str) -> pa.Array:
    """Column `half` of KEY_HALVES: Arrow has no 128-bit integer, so each key travels as two
    uint64 halves, joined again in SQL (insert_events.sql)."""
    name, part = half.rsplit("_", 1)
    keys = [row[name] for row in rows]
    values = [key >> 64 for key in keys] if part == "hi" else [key & LOW_64 for key in keys]
    return pa.array(values, pa.uint64())


def table_keys(table: pa.Table) -> list[tuple[int, int]]:
    """(event key, content key) of each row of a ROW_SCHEMA table."""
    halves = zip(*(table[name].to_pylist() for name in KEY_HALVES), strict=True)
    return [((a << 64) | b, (c << 64) | d) for a, b, c, d in halves]


def load_json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "64-bit" not in str(exc) and "depth" not in str(exc):
            raise BatchRejected(f"The body is not valid JSON: {exc}.") from None
    try:  # big integers are valid JSON that orjson refuses
        return json.loads(body, parse_constant=_reject_constant)
    except ValueError as exc:
        raise BatchRejected(f"The body is not valid JSON: {exc}.") from None
    except RecursionError:  # one deep element must not cost the batch its other events
        pass
    try:
        return nesting.elements(body)
    except (nesting.NotAnArray, UnicodeDecodeError) as exc:
        raise BatchRejected(f"The body is not valid JSON: {exc}.") from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_event(item: Any, fields: Fields) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError(not_an_object(item))
    event = _text(item.get("event"))
    if not event:
        raise ValueError("The event has no 'event' type.")
    ts = parse_timestamp(item.get("timestamp"))
    sg_event_id = _text(item.get("sg_event_id"))
    message = _text(item.get("sg_message_id"))
    email = _text(item.get("email"))
    content = content_key(item)
    return {
        "event_key": id_key(sg_event_id) if sg_event_id else content,
        "content_key": content,
        "send_id": _text(item.get("send_id")),
        "event": event.lower(),
        "ts": ts,
        "email": email.lower() if email else None,
        "campaign": campaign_of(item, fields.campaign),
        "employee_id": _text(item.get(fields.employee)),
        "message_id": message.split(".", 1)[0] if message else None,
        "sg_event_id": sg_event_id,
        "type": _text(item.get("type")),
        "reason": _text(item.get("reason")),
        "ip": _text(item.get("ip")),
        "useragent": _text(item.get("useragent")),
        "url": _text(item.get("url")),
        "machine_open": item.get("sg_machine_open") in (True, "true", 1),
        "asm_group_id": _integer(item.get("asm_group_id")),
    }


def not_an_object(item: Any) -> str:
    if isinstance(item, nesting.Deep):
        return TOO_DEEP
    return f"The event is a JSON {json_type(item)}, not an object."


def parse_timestamp(value: Any) -> int:
    """Epoch microseconds of SendGrid's `timestamp` (seconds as int, float or string, or ms)."""
    if type(value) is not int:  # the common case skips the float round trip
        value = _seconds(value)
    if abs(value) > MILLISECONDS_ABOVE:
        value /= 1000
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"The event's 'timestamp' {value!r} is outside 1970..3000.")
    return int(value * 1_000_000)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("The event has no numeric 'timestamp'.")
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"The event's 'timestamp' {value[:40]!r} is not a number.") from None
    if not math.isfinite(seconds):
        raise ValueError("The event's 'timestamp' is not a finite number.")
    return seconds


def campaign_of(item: dict[str, Any], field_name: str) -> str:
    category = item.get("category")
    first = category[0] if isinstance(category, list) and category else category
    for candidate in (item.get(field_name), item.get("marketing_campaign_name"), first):
        if text := _text(candidate):
            return text
    return "(none)"


def key128(data: bytes) -> int:
    """The first 128 bits of SHA-256: the events table's keys (migration 004)."""
    return int.from_bytes(hashlib.sha256(data).digest()[:16], "big")


def id_key(sg_event_id: str) -> int:
    """The event key of an event with its own id."""
    return key128(sg_event_id.encode("utf-8", "surrogatepass"))


def content_key(item: dict[str, Any]) -> int:
    """The key of a redelivery with a fresh `sg_event_id` (sendgrid/sendgrid-nodejs#1435): the
    event's canonical JSON (sorted keys, no spaces) without that field. An event without an id
    has it as its event key too. Always this function, so keys compare."""
    rest = {k: v for k, v in item.items() if k != "sg_event_id"}
    try:
        canonical = orjson.dumps(rest, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        canonical = canonical.encode("utf-8", "surrogatepass")
    return key128(canonical)


def dumps(value: Any) -> bytes:
    """The element as JSON for quarantine; empty when only the raw archive can hold it."""
    if isinstance(value, nesting.Deep):
        return value.raw
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        pass
    try:
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except RecursionError:
        return b""


def json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _text(value: Any) -> str | None:
    if type(value) is str:
        return value.strip() or None
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None


def _integer(value: Any) -> int | None:
    if type(value) is int:
        return value if -(2**63) <= value < 2**63 else None
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -(2**63) <= number < 2**63 else None
