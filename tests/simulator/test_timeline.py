"""The campaign's events: realistic shares, SendGrid's field shapes, sane order, determinism."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest

from simulator import shapes
from simulator.company import build_company
from simulator.story import Fields
from simulator.timeline import Timeline, build_timeline

START = 1_767_225_600  # 2026-01-01T00:00:00Z
TUESDAY_7AM = datetime(2026, 1, 6, 7)
COMMON = {"email", "event", "timestamp", "sg_event_id", "sg_message_id", "category", "campaign"}
BY_TYPE = {
    "processed": {"smtp-id", "send_at"},
    "delivered": {"smtp-id", "ip", "response", "tls"},
    "deferred": {"smtp-id", "ip", "response", "attempt"},
    "bounce": {"smtp-id", "ip", "reason", "status", "type", "bounce_classification"},
    "dropped": {"smtp-id", "reason"},
    "open": {"ip", "useragent", "sg_machine_open"},
    "click": {"ip", "useragent", "url", "url_offset"},
    "group_unsubscribe": {"ip", "useragent", "url", "asm_group_id"},
}


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return build_timeline(build_company(2000), start=START, speed=300, story_start=TUESDAY_7AM)


def events(timeline: Timeline) -> list[dict[str, Any]]:
    return [t.event for t in timeline.events]


def by_message(timeline: Timeline) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in sorted(events(timeline), key=lambda e: e["timestamp"]):
        grouped[event["sg_message_id"]].append(event)
    return grouped


def test_the_same_seed_and_start_give_the_same_events() -> None:
    company = build_company(100)
    one = build_timeline(company, start=START, story_start=TUESDAY_7AM, seed=3)
    two = build_timeline(company, start=START, story_start=TUESDAY_7AM, seed=3)
    assert one == two
    assert one != build_timeline(company, start=START, story_start=TUESDAY_7AM, seed=4)


def test_every_event_has_the_fields_sendgrid_sends(timeline: Timeline) -> None:
    for event in events(timeline):
        assert set(event) >= COMMON, event
        assert BY_TYPE.get(event["event"], set()) <= set(event), event
        assert isinstance(event["timestamp"], int)
        assert event["sg_message_id"].split(".")[0] in event.get("smtp-id", event["sg_message_id"])


def test_custom_args_are_top_level_keys_named_by_the_settings() -> None:
    fields = Fields(campaign="survey_id", employee="emp")
    company = build_company(20)
    made = build_timeline(company, start=START, story_start=TUESDAY_7AM, fields=fields)
    named = [e for e in events(made) if e["email"] != "survey-test@corp.example"]
    assert all("survey_id" in e and "emp" in e and "campaign" not in e for e in named)


def test_event_ids_are_unique(timeline: Timeline) -> None:
    ids = [e["sg_event_id"] for e in events(timeline)]
    assert len(ids) == len(set(ids))


def test_about_97_percent_are_delivered_within_seconds(timeline: Timeline) -> None:
    messages = by_message(timeline).values()
    quick = 0
    for evs in messages:
        processed, delivered = _first(evs, "processed"), _first(evs, "delivered")
        if processed and delivered and delivered["timestamp"] - processed["timestamp"] <= 10:
            quick += not _first(evs, "deferred")
    assert 0.95 <= quick / len(messages) <= 0.99
    counts = Counter(e["event"] for e in events(timeline))
    assert counts["deferred"] and counts["dropped"] and counts["bounce"]
    bounce_types = {e["type"] for e in events(timeline) if e["event"] == "bounce"}
    assert bounce_types == {"bounce", "blocked"}


def test_deferred_mail_is_delivered_later(timeline: Timeline) -> None:
    deferred = [evs for evs in by_message(timeline).values() if _first(evs, "deferred")]
    assert deferred
    for evs in deferred:
        delivered = _first(evs, "delivered")
        assert delivered and delivered["timestamp"] > _first(evs, "deferred")["timestamp"]


def test_apple_privacy_opens_come_at_delivery_for_about_40_percent(timeline: Timeline) -> None:
    delivered = [evs for evs in by_message(timeline).values() if _first(evs, "delivered")]
    machine = [evs for evs in delivered if _first(evs, "open", sg_machine_open=True)]
    assert 0.35 <= len(machine) / len(delivered) <= 0.45
    for evs in machine:
        opened = _first(evs, "open", sg_machine_open=True)
        assert opened["timestamp"] - _first(evs, "delivered")["timestamp"] <= 1
        assert opened["ip"].startswith(shapes.APPLE_PROXY_PREFIX)


def test_one_gateway_clicks_for_a_whole_department_from_one_ip(timeline: Timeline) -> None:
    scanned = [
        e for e in events(timeline) if e["event"] == "click" and e["ip"] == shapes.SCANNER_IP
    ]
    company = build_company(2000)
    gateway = {
        e.employee_id for e in company.recipients if e.department == company.gateway_department
    }
    assert {e["employee_id"] for e in scanned} <= gateway
    assert len(scanned) > 0.9 * len(gateway) * 0.97
    delivered_at = {
        e["sg_message_id"]: e["timestamp"] for e in events(timeline) if e["event"] == "delivered"
    }
    assert all(0 <= e["timestamp"] - delivered_at[e["sg_message_id"]] <= 10 for e in scanned)


def test_humans_open_then_click_then_most_complete(timeline: Timeline) -> None:
    human_clicks = 0
    for evs in by_message(timeline).values():
        opens = [
            e
            for e in evs
            if e["event"] == "open" and not e["sg_machine_open"] and e["ip"] != shapes.SCANNER_IP
        ]
        for click in (e for e in evs if e["event"] == "click" and e["ip"] != shapes.SCANNER_IP):
            human_clicks += 1
            assert not opens or opens[0]["timestamp"] < click["timestamp"]
    delivered = sum(1 for e in events(timeline) if e["event"] == "delivered")
    assert 0.4 <= human_clicks / delivered <= 0.6
    assert 0.7 <= len(timeline.completions) / human_clicks <= 0.9


def test_human_opens_happen_mostly_in_local_office_hours(timeline: Timeline) -> None:
    company = {e.employee_id: e for e in build_company(2000).employees}
    in_hours = total = 0
    for e in events(timeline):
        if e["event"] != "open" or e["sg_machine_open"] or e["ip"] == shapes.SCANNER_IP:
            continue
        if "employee_id" not in e:
            continue
        story = TUESDAY_7AM + timedelta(seconds=(e["timestamp"] - START) * 300)
        local = story + timedelta(hours=company[e["employee_id"]].location.utc_offset_hours)
        total += 1
        in_hours += local.weekday() < 5 and 8 <= local.hour < 18
    assert in_hours / total >= 0.8


def test_a_few_opt_out_or_report_spam(timeline: Timeline) -> None:
    counts = Counter(e["event"] for e in events(timeline))
    assert counts["spamreport"] and counts["group_unsubscribe"] + counts["unsubscribe"]
    assert counts["spamreport"] + counts["unsubscribe"] + counts["group_unsubscribe"] < 60


def test_some_events_arrive_late_and_out_of_order(timeline: Timeline) -> None:
    late = [t for t in timeline.events if t.due - t.event["timestamp"] > 5]
    assert 0.02 <= len(late) / len(timeline.events) <= 0.06


def test_hr_test_send_has_no_employee_id(timeline: Timeline) -> None:
    test_send = [e for e in events(timeline) if e["email"] == "survey-test@corp.example"]
    assert test_send and all("employee_id" not in e for e in test_send)


def _first(evs: list[dict[str, Any]], name: str, **fields: Any) -> dict[str, Any] | None:
    for e in evs:
        if e["event"] == name and all(e.get(k) == v for k, v in fields.items()):
            return e
    return None
