"""`mailpulse demo` as a user runs it: it serves, posts, reports, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from core.database import Database
from harness.server import ROOT, free_port


def test_the_demo_fills_its_own_database_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MAILPULSE_DB": str(tmp_path / "mine.duckdb"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "mailpulse", "demo", "--employees", "200"]
    command += ["--speed", "3000", "--port", str(port)]
    demo = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert _wait_for_events(f"http://127.0.0.1:{port}"), "The demo posted nothing in 30 s."
        completion = 'mailpulse_batches_total{outcome="completion_stored"}'
        assert _wait_for_events(f"http://127.0.0.1:{port}", completion), "No completion in 30 s."
        time.sleep(1)
    finally:
        demo.send_signal(signal.SIGINT)
        out, _ = demo.communicate(timeout=30)

    assert demo.returncode == 0, out
    assert f"Dashboard: http://127.0.0.1:{port}/" in out
    assert "Traceback" not in out
    accepted = int(
        re.search(r"Stopped after .*?: ([\d,]+) events accepted", out)[1].replace(",", "")
    )
    database = Database(tmp_path / "data" / "demo.duckdb")
    with database.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM roster").fetchall()[0][0] == 200
        assert cur.execute("SELECT count(*) FROM events").fetchall()[0][0] == accepted > 0
        by_webhook = cur.execute("SELECT count(*) FROM completion_receipts").fetchall()[0][0]
        completed = cur.execute("SELECT count(*) FROM completions").fetchall()[0][0]
    database.close()
    assert by_webhook == completed > 0, out  # every completion came by the signed webhook
    assert not (tmp_path / "mine.duckdb").exists()


def _wait_for_events(url: str, metric: str = 'mailpulse_batches_total{outcome="stored"}') -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            metrics = httpx.get(f"{url}/api/metrics", timeout=1).text
            if metric in metrics:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False
