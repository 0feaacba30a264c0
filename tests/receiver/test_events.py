import json
from datetime import UTC, datetime

import pytest

from receiver.events import BatchRejected, Fields, content_key, parse_body, parse_event
from tests.factories import batch, event
from tests.funnel_events import ingest

FIELDS = Fields()


def parsed(**overrides) -> dict:
    return parse_event(event(**overrides), FIELDS)


@pytest.mark.parametrize(
    "stamp", [1736245803, 1736245803.0, "1736245803", " 1736245803 ", 1736245803000]
)
def test_timestamps_as_int_float_string_or_milliseconds_mean_the_same_instant(stamp) -> None:
    instant = datetime(2025, 1, 7, 10, 30, 3, tzinfo=UTC)
    assert parsed(timestamp=stamp)["ts"] == instant.timestamp() * 1_000_000


@pytest.mark.parametrize("stamp", [None, "soon", True, float("nan"), 10**20, -5, [1]])
def test_an_unusable_timestamp_is_a_reason_to_quarantine(stamp) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        parsed(timestamp=stamp)


def test_category_may_be_a_string_or_an_array() -> None:
    item = event(category="survey")
    del item["campaign"]
    assert parse_event(item, FIELDS)["campaign"] == "survey"
    item["category"] = ["wave-2", "survey"]
    assert parse_event(item, FIELDS)["campaign"] == "wave-2"


def test_campaign_prefers_the_custom_arg_then_the_marketing_campaign_name() -> None:
    assert parsed(campaign="c1", marketing_campaign_name="m", category="k")["campaign"] == "c1"
    item = event(marketing_campaign_name="m", category="k")
    del item["campaign"]
    assert parse_event(item, FIELDS)["campaign"] == "m"
    del item["marketing_campaign_name"], item["category"]
    assert parse_event(item, FIELDS)["campaign"] == "(none)"


def test_the_campaign_and_employee_fields_are_configurable() -> None:
    row = parse_event(
        event(survey_id="ENG-1", emp="E9"), Fields(campaign="survey_id", employee="emp")
    )
    assert (row["campaign"], row["employee_id"]) == ("ENG-1", "E9")


def test_message_id_is_the_part_of_sg_message_id_before_the_first_dot() -> None:
    assert parsed(sg_message_id="Xq7b.recvd-5c8d.0")["message_id"] == "Xq7b"
    assert parsed(sg_message_id="NoDotAtAll")["message_id"] == "NoDotAtAll"


def test_unknown_event_types_and_fields_are_kept_and_reachable_through_the_archive(db) -> None:
    item = event(event="Amp_Open", brand_new_field={"nested": [1, 2]})
    ingest(db, item)
    [(kind, raw)] = db.rows("event_json", sg_event_id=item["sg_event_id"])
    assert kind == "amp_open"
    assert json.loads(raw)["brand_new_field"] == {"nested": [1, 2]}


def test_an_event_without_sg_event_id_is_keyed_by_its_canonical_json_hash() -> None:
    item = {"event": "open", "timestamp": 1, "email": "a@b.c"}
    assert parse_event(item, FIELDS)["event_key"] == content_key(item)
    assert content_key({"timestamp": 1, "email": "a@b.c", "event": "open"}) == content_key(item)


def test_the_apple_machine_open_flag_is_read() -> None:
    assert parsed(event="open", sg_machine_open=True)["machine_open"] is True
    assert parsed(event="open", sg_machine_open=False)["machine_open"] is False


def test_numbers_where_strings_belong_are_stored_as_text() -> None:
    row = parsed(email=42, ip=127, asm_group_id="7", reason=["x"])
    assert (row["email"], row["ip"], row["asm_group_id"], row["reason"]) == ("42", "127", 7, None)


def test_the_same_event_twice_in_one_batch_is_kept_once() -> None:
    one = event()
    assert len(parse_body(batch(one, one), FIELDS).rows) == 1


def test_a_body_that_is_not_an_array_is_rejected_with_a_reason() -> None:
    with pytest.raises(BatchRejected, match="object, not an array"):
        parse_body(b'{"a": 1}', FIELDS)


def test_integers_too_big_for_64_bits_are_still_json() -> None:
    body = b'[{"event":"open","timestamp":1736245803,"huge":123456789012345678901234567890}]'
    assert len(parse_body(body, FIELDS).rows) == 1
