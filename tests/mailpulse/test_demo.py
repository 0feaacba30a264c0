"""`mailpulse demo` as a user runs it: it sends the invitation through the fake Mail Send API,
posts back what was sent at the campaign's own times, answers a reminder with its events, and
stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from core.database import Database
from core.send_runner import JOB_FINISHED
from core.settings import Settings
from harness.server import ROOT, free_port
from mailpulse import demo
from mailpulse.demo import DemoOptions

PROCESSED = 'mailpulse_events_received_total{type="processed"}'


class Ready(Exception):
    pass


def test_a_demo_run_leaves_no_job_hook_behind(tmp_path: Path, settings: Settings) -> None:
    def report(line: str) -> None:
        if line.startswith("Dashboard:"):
            raise Ready  # out of the running server, through run()'s cleanup

    options = DemoOptions(employees=50, port=free_port(), db=tmp_path / "demo.duckdb")
    ended: list[BaseException] = []

    def run() -> None:  # a thread of its own: after a browser test, Playwright's loop runs here
        try:
            demo.run(settings, options, report)
        except BaseException as exc:
            ended.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert [type(exc) for exc in ended] == [Ready]
    assert [hook for hook in JOB_FINISHED if hook.__module__ == demo.__name__] == []


def test_the_demo_sends_through_the_fake_api_and_a_reminder_brings_events(
    tmp_path: Path,
) -> None:
    port, started = free_port(), datetime.now(UTC)
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MAILPULSE_DB": str(tmp_path / "mine.duckdb"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "mailpulse", "demo", "--employees", "200"]
    command += ["--speed", "3000", "--port", str(port)]
    demo = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert _wait_for(url, 'mailpulse_batches_total{outcome="stored"}'), "Nothing in 30 s."
        completion = 'mailpulse_batches_total{outcome="completion_stored"}'
        assert _wait_for(url, completion), "No completion in 30 s."
        before = _metric(url, PROCESSED)
        reminder = subprocess.run(
            [sys.executable, "-m", "mailpulse", "send", "--campaign", "engagement-survey",
             "--segment", "unopened"],
            cwd=tmp_path, env={**env, "MAILPULSE_DB": "data/demo.duckdb"},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert reminder.returncode == 0, reminder.stderr
        job, reminded = re.search(
            r"Job (\d+): 0 queued, ([\d,]+) accepted", reminder.stdout
        ).groups()
        reminded = int(reminded.replace(",", ""))
        assert reminded > 0 and "handed to SendGrid" in reminder.stdout
        assert _wait_for(url, PROCESSED, at_least=before + reminded // 2), "No reminder events."
    finally:
        demo.send_signal(signal.SIGINT)
        out, _ = demo.communicate(timeout=30)

    assert demo.returncode == 0, out
    assert f"Dashboard: {url}/" in out
    assert "Traceback" not in out
    accepted = int(
        re.search(r"Stopped after .*?: ([\d,]+) events accepted", out)[1].replace(",", "")
    )
    database = Database(tmp_path / "data" / "demo.duckdb")
    with database.cursor() as cur:
        active = {
            e for (e,) in cur.execute("SELECT employee_id FROM roster WHERE active").fetchall()
        }
        invited = cur.execute(
            "SELECT employee_id, state, accepted_at FROM sends WHERE job_id = 1"
        ).fetchall()
        assert _one(cur, "SELECT count(*) FROM roster") == 200
        assert _one(cur, "SELECT count(*) FROM events") == accepted > 0
        first_event, last_event, future = cur.execute(
            "SELECT min(ts), max(ts), count(*) FILTER (ts > received_at) FROM events"
        ).fetchone()
        not_sent_so = "SELECT count(*) FROM events e LEFT JOIN sends s USING (send_id) "
        not_sent_so += (
            "WHERE s.x_message_id IS NULL OR NOT starts_with(e.message_id, s.x_message_id)"
        )
        assert _one(cur, not_sent_so) == 0  # every event belongs to a mail the fake API took
        reminder_events = _one(
            cur, "SELECT count(DISTINCT employee_id) FROM events WHERE send_id LIKE ?", f"s{job}-%"
        )
        by_webhook = _one(cur, "SELECT count(*) FROM completion_receipts")
        completed = _one(cur, "SELECT count(*) FROM completions")
    database.close()
    # one invitation per active employee, accepted by the fake API, days before the demo began
    assert sorted(e for e, _, _ in invited) == sorted(active)
    assert {state for _, state, _ in invited} == {"accepted"}
    sent_at = min(at for _, _, at in invited)
    assert sent_at < started - timedelta(days=1)
    # the events agree with the sends in time, span days, and none is stamped in the future
    assert sent_at - timedelta(seconds=1) <= first_event <= sent_at + timedelta(minutes=1)
    assert last_event - first_event > timedelta(days=1)
    assert future == 0
    assert reminder_events >= reminded // 2
    assert by_webhook == completed > 0, out  # every completion came by the signed webhook
    assert not (tmp_path / "mine.duckdb").exists()


def _one(cur: Any, query: str, *args: Any) -> Any:
    return cur.execute(query, list(args)).fetchone()[0]


def _wait_for(url: str, metric: str, at_least: int = 1) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if _metric(url, metric) >= at_least:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def _metric(url: str, name: str) -> int:
    text = httpx.get(f"{url}/api/metrics", timeout=1).text
    found = re.search(rf"^{re.escape(name)} (\d+)", text, re.MULTILINE)
    return int(found[1]) if found else 0
