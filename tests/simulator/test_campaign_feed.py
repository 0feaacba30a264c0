"""The demo's feed: what the fake Mail Send API accepted, read as the story says, on the
campaign's clock (the past at its own times, the rest when due, never stamped in the future)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from simulator import shapes
from simulator.campaign_feed import CampaignClock, CampaignFeed
from simulator.company import build_company
from simulator.mailsend import Accepted
from simulator.story import Fields
from simulator.timeline import Completion, Timed


def moments() -> tuple[float, datetime]:
    """Now, and an invitation two days before it: per test, not when the module was collected
    (the campaign clock counts from its start, and a whole suite runs for minutes)."""
    now = time.time()
    return now, datetime.fromtimestamp(now, UTC) - timedelta(days=2)


def test_the_clock_runs_behind_for_the_invitation_then_keeps_the_wall_clock() -> None:
    now, sent_at = moments()
    clock = CampaignClock(sent_at, speed=60, start=now)
    assert abs(clock.now().timestamp() - (time.time() - 2 * 86400)) < 1
    assert clock.wall(now - 3600) == now - 3600  # the past: at its own time
    assert clock.wall(now + 3600) == now + 60  # after the start: an hour in a minute
    clock.go_live()
    assert abs(clock.now().timestamp() - time.time()) < 1
    assert clock.story() >= time.time()  # a reminder leaving now is read in story time ahead


def test_every_accepted_recipient_behaves_as_the_story_says_with_what_was_sent() -> None:
    now, sent_at = moments()
    company = build_company(600)
    clock = CampaignClock(sent_at, speed=60, start=now)
    added: tuple[list[Timed], list[Completion]] = [], []
    feed = CampaignFeed(company, clock, lambda e, c: (added[0].extend(e), added[1].extend(c)),
                        Fields())  # fmt: skip
    people = [e for e in company.employees if e.active]
    feed.accepted(_accepted("XMSG1", people))
    events, completions = added
    by_kind = Counter(t.event["event"] for t in events)
    assert by_kind["processed"] >= 0.98 * len(people)
    for timed in events:
        event = timed.event
        assert event["sg_message_id"].startswith("XMSG1.")
        assert event["send_id"].startswith("s1-") and event["category"] == ["engagement-survey"]
        assert timed.due >= event["timestamp"]  # never posted before it happened
    processed = [t.event["timestamp"] for t in events if t.event["event"] == "processed"]
    sent = sent_at.timestamp()
    assert sent - 1 <= min(processed) <= max(processed) <= sent + 30  # days ago, at its own time
    assert min(t.event["timestamp"] for t in events) >= sent - 1
    machine = [t for t in events if t.event.get("sg_machine_open")]
    assert all(t.event["ip"].startswith(shapes.APPLE_PROXY_PREFIX) for t in machine)
    assert 0.3 < len(machine) / by_kind["delivered"] < 0.5
    gateway = {e.employee_id for e in people if e.department == company.gateway_department}
    scanned = {t.event["employee_id"] for t in events if t.event.get("ip") == shapes.SCANNER_IP}
    assert scanned and scanned <= gateway
    clicks = [t.event for t in events if t.event["event"] == "click"]
    assert all(c["url"] == f"https://survey.example/?t=tok-{c['employee_id']}" for c in clicks)
    assert completions  # clickers complete through the survey tool


def _accepted(message_id: str, people: list) -> Accepted:
    body = {
        "categories": ["engagement-survey"],
        "personalizations": [
            {
                "to": [{"email": e.email}],
                "custom_args": {
                    "campaign": "engagement-survey",
                    "employee_id": e.employee_id,
                    "send_id": f"s1-{n}",
                },
                "substitutions": {
                    "[%survey_link%]": f"https://survey.example/?t=tok-{e.employee_id}"
                },
            }  # fmt: skip
            for n, e in enumerate(people)
        ],
    }
    return Accepted(message_id, body, time.time())
