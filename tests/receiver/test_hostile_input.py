"""Hostile input: whatever arrives, each event is stored or quarantined, never an exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.database import Database
from receiver.events import BatchRejected, Fields, parse_body
from receiver.ingest import Delivery, Prepared, prepare, store_many

FIELDS = Fields()
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
event_like = st.fixed_dictionaries(
    {},
    optional={
        "event": st.one_of(st.sampled_from(["open", "click", "delivered", "Bounce"]), json_values),
        "timestamp": st.one_of(st.integers(0, 2 * 10**12), st.text(max_size=12), json_values),
        "email": st.one_of(st.emails(), json_values),
        "sg_event_id": st.one_of(st.text(max_size=20), json_values),
        "sg_message_id": st.one_of(st.text(max_size=30), json_values),
        "category": st.one_of(st.text(max_size=10), st.lists(st.text(max_size=10)), json_values),
        "asm_group_id": json_values,
        "sg_machine_open": json_values,
        "campaign": json_values,
        "employee_id": json_values,
    },
).flatmap(
    lambda d: st.dictionaries(st.text(max_size=8), json_values, max_size=3).map(
        lambda extra: {**extra, **d}
    )
)
batches = st.lists(st.one_of(event_like, json_values), max_size=12)


def accounted(body: bytes) -> None:
    try:
        batch = parse_body(body, FIELDS)
    except BatchRejected:
        return
    keys = [row["event_key"] for row in batch.rows]
    assert len(keys) == len(set(keys))
    assert len(batch.rows) + len(batch.quarantined) <= batch.received


@given(batches)
@settings(max_examples=300, deadline=None)
def test_any_array_of_json_values_is_parsed_or_quarantined(items: list) -> None:
    accounted(json.dumps(items).encode())


@given(st.binary(max_size=200))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes_never_raise_anything_but_a_rejection(body: bytes) -> None:
    accounted(body)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Database:
    db = Database(tmp_path_factory.mktemp("hostile") / "m.duckdb")
    yield db
    db.close()


@given(batches)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_batch_is_stored_without_an_exception(database: Database, items: list) -> None:
    delivery = Delivery(json.dumps(items).encode(), "hypothesis", datetime.now(UTC))
    prepared = prepare(delivery.body, FIELDS, in_duckdb=True)  # as a large body is read
    outcome = database.write(lambda con: store_many(con, [(delivery, prepared)])[0])
    if isinstance(prepared, Prepared):
        assert outcome.stored + outcome.duplicates + outcome.quarantined == len(items)


@pytest.mark.parametrize(
    "body",
    [
        b'[{"event":"open","timestamp":NaN}]',
        b'[{"event":"open","timestamp":Infinity}]',
        b'[{"event":"open","timestamp":1736245803,"email":"\xff\xfe@x"}]',
    ],
    ids=["nan", "infinity", "invalid-utf8"],
)
def test_bodies_that_are_not_json_are_rejected_whole(body: bytes) -> None:
    with pytest.raises(BatchRejected):
        parse_body(body, FIELDS)


def test_duplicate_keys_keep_the_last_value_like_every_json_parser() -> None:
    body = b'[{"event":"open","event":"click","timestamp":1736245803,"sg_event_id":"d"}]'
    assert parse_body(body, FIELDS).rows[0]["event"] == "click"


def test_a_huge_string_field_is_kept_whole() -> None:
    huge = "x" * 2_000_000
    body = orjson.dumps([{"event": "open", "timestamp": 1736245803, "useragent": huge}])
    assert parse_body(body, FIELDS).rows[0]["useragent"] == huge


def test_a_deeply_nested_event_field_is_kept_or_quarantined() -> None:
    nested: object = 1
    for _ in range(200):
        nested = {"a": nested}
    accounted(orjson.dumps([{"event": "open", "timestamp": 1736245803, "deep": nested}]))
