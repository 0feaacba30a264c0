import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import SecretStr

from core.database import Database
from core.metrics import Metrics
from core.settings import Settings
from mailpulse.alerts import Alerts, JobSummary
from tests.funnel_events import ingest, sg

T = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # before the digest hour


class FakeWorkflows(ThreadingHTTPServer):
    """A local Teams Workflows endpoint: records each card; answers `status` (202 by default)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.cards: list[dict] = []
        self.status = 202

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/workflows/abc?sig=SECRET-SIG"

    def titles(self) -> list[str]:
        return [c["attachments"][0]["content"]["body"][0]["text"] for c in self.cards]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server: FakeWorkflows = self.server  # type: ignore[assignment]
        if server.status < 300:
            server.cards.append(json.loads(body))
        self.send_response(server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def workflows() -> Iterator[FakeWorkflows]:
    server = FakeWorkflows()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def setup(db: Database, settings: Settings, workflows: FakeWorkflows):
    settings = settings.model_copy(
        update={"teams_workflow_url": SecretStr(workflows.url), "silence_alert_minutes": 30}
    )
    clock, metrics = Clock(T), Metrics()
    alerts = Alerts(db, settings, metrics, clock=clock)
    yield alerts, clock, metrics
    alerts.stop()


def at_batch_time(db: Database, when: datetime) -> None:
    db.write(lambda con: con.execute("UPDATE raw_batches SET received_at = $t", {"t": when}))
    db.write(lambda con: con.execute("UPDATE events SET received_at = $t", {"t": when}))


def test_silence_while_a_campaign_is_sent_is_posted_once_until_a_batch_arrives(
    db: Database, setup, workflows: FakeWorkflows
) -> None:
    alerts, clock, _ = setup
    ingest(db, sg("delivered", 1))
    at_batch_time(db, T)
    clock.now = T + timedelta(minutes=29)
    alerts.tick()
    assert workflows.cards == []
    for minutes in (31, 40, 90):
        clock.now = T + timedelta(minutes=minutes)
        alerts.tick()
    assert workflows.titles() == ["Receiver silent"]
    card = workflows.cards[0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    ingest(db, sg("open", 2))  # the silence clears; a new one is a new condition
    at_batch_time(db, T + timedelta(minutes=100))
    clock.now = T + timedelta(minutes=140)
    alerts.tick()
    assert workflows.titles() == ["Receiver silent", "Receiver silent"]


def test_no_silence_alert_without_a_campaign_being_sent(
    db: Database, setup, workflows: FakeWorkflows
) -> None:
    alerts, clock, _ = setup
    ingest(db, sg("delivered", 1))
    at_batch_time(db, T - timedelta(days=2))
    alerts.tick()
    assert workflows.cards == []


def test_503s_for_five_minutes_are_posted_once(setup, workflows: FakeWorkflows) -> None:
    alerts, clock, metrics = setup
    for minute in range(0, 12):
        clock.now = T + timedelta(minutes=minute)
        metrics.batch("unavailable")
        alerts.tick()
    assert workflows.titles() == ["Receiver failing"]


def test_a_failed_post_is_logged_without_the_url_and_retried(
    setup, workflows: FakeWorkflows, caplog: pytest.LogCaptureFixture
) -> None:
    alerts, _, _ = setup
    workflows.status = 500
    with caplog.at_level(logging.WARNING):
        alerts.job_finished(JobSummary("job-1", "survey-2026", "not_sent", {"accepted": 9}))
    assert workflows.cards == [] and "answered 500" in caplog.text
    assert "SECRET-SIG" not in caplog.text and "workflows/abc" not in caplog.text
    workflows.status = 202
    alerts.tick()
    alerts.tick()
    assert workflows.titles() == ["Send job finished: survey-2026 (not_sent)"]
    facts = workflows.cards[0]["attachments"][0]["content"]["body"][2]["facts"]
    assert facts == [{"title": "accepted", "value": "9"}]


def test_the_daily_digest_is_posted_once_a_day_per_active_campaign(
    db: Database, setup, workflows: FakeWorkflows
) -> None:
    alerts, clock, _ = setup
    ingest(db, sg("delivered", 1))
    for hours in (7, 8, 14):  # 09:00, 10:00, 16:00 the same day
        at_batch_time(db, T + timedelta(hours=hours))
        clock.now = T + timedelta(hours=hours)
        alerts.tick()
    assert workflows.titles() == ["Daily digest: survey-2026"]
    clock.now = T + timedelta(days=1, hours=7)
    at_batch_time(db, clock.now)
    alerts.tick()
    assert workflows.titles() == ["Daily digest: survey-2026"] * 2
