"""DuckDB's reader gives the rows, quarantine and answers that the Python parser gives."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receiver import events_sql
from receiver.events import BatchRejected, Fields
from receiver.ingest import Prepared, prepare
from tests.factories import batch, event
from tests.receiver.test_hostile_input import batches, event_like

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "sendgrid").glob("*.json"))
FIELDS = Fields()


def assert_same(body: bytes, fields: Fields = FIELDS) -> Prepared | BatchRejected:
    python = prepare(body, fields, in_duckdb=False)
    duckdb = prepare(body, fields, in_duckdb=True)
    if isinstance(python, BatchRejected):
        assert isinstance(duckdb, BatchRejected) and str(duckdb) == str(python)
        return python
    assert isinstance(duckdb, Prepared)
    assert duckdb.table().schema == python.table().schema
    assert duckdb.table().to_pylist() == python.table().to_pylist()
    assert (duckdb.quarantined, duckdb.received, duckdb.bad) == (
        python.quarantined, python.received, python.bad
    )  # fmt: skip
    return python


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_every_fixture_gives_the_same_rows(fixture: Path) -> None:
    assert_same(fixture.read_bytes())


def test_sendgrid_events_are_typed_by_duckdb_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def python_read(*args: object) -> None:
        raise AssertionError("an event went to the Python parser")

    monkeypatch.setattr(events_sql, "parse_items", python_read)
    for fixture in FIXTURES:
        body = fixture.read_bytes()
        if isinstance(orjson.loads(body), list):
            assert events_sql.parse(body, FIELDS) is not None, fixture.name


@given(batches)
@settings(max_examples=100, deadline=None)
def test_any_array_of_json_values_gives_the_same_rows(items: list) -> None:
    assert_same(json.dumps(items).encode())


@given(st.lists(event_like, min_size=1, max_size=12))
@settings(max_examples=100, deadline=None)
def test_any_array_of_event_like_objects_gives_the_same_rows(items: list) -> None:
    assert_same(json.dumps(items).encode())


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_arbitrary_bytes_give_the_same_answer(body: bytes) -> None:
    assert_same(body)


TRICKY = [
    {"timestamp": 1736245803123},  # milliseconds
    {"timestamp": "1736245803"},  # a string
    {"timestamp": " 1736245803.25 "},
    {"timestamp": 1736245803.5},
    {"category": ["wave-2", "survey"], "campaign": None},
    {"category": "survey", "campaign": "  "},
    {"category": [True], "campaign": None},
    {"category": [1.5], "campaign": None},
    {"category": [], "campaign": None},
    {"email": " Person@Corp.Example "},
    {"email": "ÉLODIE@corp.example"},
    {"event": "İ"},
    {"event": True},
    {"event": 42},
    {"employee_id": 7},
    {"employee_id": 1e20},
    {"employee_id": False},
    {"employee_id": [1]},
    {"employee_id": "\u3000E1\u3000"},
    {"sg_machine_open": 1},
    {"sg_machine_open": "1"},
    {"sg_machine_open": "true"},
    {"sg_machine_open": 1.0},
    {"asm_group_id": "+7"},
    {"asm_group_id": " 7 "},
    {"asm_group_id": 2**63},
    {"asm_group_id": "1_000"},
    {"sg_event_id": ""},
    {"sg_event_id": 5},
    {"sg_message_id": ".starts-with-a-dot"},
    {"ip": "10.0.0.1", "useragent": "Mozilla/5.0 (true)", "url": "https://x.example/?a=[1]"},
    {"reason": "[not an array"},
    {"type": "1.5"},
    {"type": "-0"},
]


@pytest.mark.parametrize("override", TRICKY, ids=[json.dumps(o) for o in TRICKY])
def test_values_python_reads_its_own_way_give_the_same_rows(override: dict) -> None:
    assert_same(batch(event(), event(**override), event()))


def test_duplicate_keys_keep_the_last_value_on_both_paths() -> None:
    body = b'[{"event":"open","event":"click","timestamp":1736245803,"sg_event_id":"d"}]'
    assert assert_same(body).types() == ["click"]


def test_custom_campaign_and_employee_fields_give_the_same_rows() -> None:
    fields = Fields(campaign="survey_id", employee="emp")
    assert_same(batch(event(survey_id="ENG-1", emp="E9"), event(emp=3)), fields)
    assert events_sql.parse(batch(event()), Fields(campaign="event")) is None  # read anyway


def test_repeats_inside_a_body_keep_their_first_occurrence_on_both_paths() -> None:
    one, two = event(), event()
    tangled = {**two, "sg_event_id": one["sg_event_id"]}
    prepared = assert_same(batch(one, two, {**one, "sg_event_id": "fresh"}, tangled, 5, two))
    assert prepared.table()["position"].to_pylist() == [0, 1]
