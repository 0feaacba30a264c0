"""Reports and pages read as batches pour in: never an error, never half a batch, ingest quick."""

from __future__ import annotations

import itertools
import json
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
import streamlit as st
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest

from mailpulse.database import close_shared, shared
from mailpulse.server import DASHBOARD
from mailpulse.settings import Settings, install_settings
from receiver.app import create_app
from tests.conftest import create_client, get_token, post_batch
from tests.serving import Server

BATCH = 250  # each batch delivers the invitation to BATCH new employees
_serial = itertools.count()


def batch() -> bytes:
    n, now = next(_serial), int(time.time())
    return orjson.dumps([
        {"event": "delivered", "timestamp": now, "email": f"p{n}-{i}@corp.example",
         "employee_id": f"E{n}-{i}", "sg_event_id": f"rw-{n}-{i}", "campaign": "rw"}
        for i in range(BATCH)
    ])  # fmt: skip


def ingest(server: Server, token: str, count: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies = []
    with httpx.Client(timeout=30) as http:
        for _ in range(count):
            started = time.perf_counter()
            assert http.post(server.webhook, content=batch(), headers=headers).status_code == 200
            latencies.append(time.perf_counter() - started)
    return latencies


def read_reports(server: Server, stop: threading.Event, seen: list[int]) -> None:
    admin = json.loads(Path(server.env["MAILPULSE_DB"] + ".admin").read_text())
    headers = {"X-Mailpulse-Admin-Secret": admin["secret"]}
    with httpx.Client(timeout=30) as http:
        while not stop.is_set():
            for name, arguments in (
                ("funnel_report", {"campaign": "rw"}),
                ("reminders_export", {"campaign": "rw", "segment": "unopened"}),
            ):
                response = http.post(
                    f"{admin['url']}/commands/{name}", json=arguments, headers=headers
                )
                assert response.status_code == 200, response.text
                result = response.json()["result"]
                seen.append(result["stages"]["delivered"] if "stages" in result else result["rows"])


def p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98]


@dataclass(frozen=True)
class Run:
    idle: list[float]
    busy: list[float]
    seen: list[int]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Ingest alone, then beside two readers looping the funnel and a reminder export."""
    server = Server(tmp_path_factory.mktemp("reads"))
    server.start()
    try:
        token = server.token()
        ingest(server, token, 5)  # the campaign exists before anyone reads it
        idle = ingest(server, token, 80)
        stop, seen = threading.Event(), []
        readers = [
            threading.Thread(target=read_reports, args=(server, stop, seen)) for _ in range(2)
        ]
        for reader in readers:
            reader.start()
        busy = ingest(server, token, 80)
        stop.set()
        for reader in readers:
            reader.join()
    finally:
        server.stop()
    return Run(idle, busy, seen)


def test_reports_during_heavy_ingest_never_fail_nor_see_half_a_batch(run: Run) -> None:
    assert len(run.seen) >= 10, "the readers hardly ran"
    assert all(count % BATCH == 0 for count in run.seen), "a reader saw part of a batch"


@pytest.mark.xfail(
    reason="issue 5, open: beside two readers looping back to back, ingest p99 is 2.5-4x idle "
    "here; readers share this 2-core machine's cores and the GIL with the writer",
    strict=False,
)
def test_ingest_p99_beside_readers_stays_within_twice_idle(run: Run) -> None:
    assert p99(run.busy) <= 2 * p99(run.idle), (
        f"{p99(run.busy):.3f} s busy, {p99(run.idle):.3f} s idle"
    )


def test_dashboard_pages_during_heavy_ingest_never_fail_nor_show_half_a_batch(
    settings: Settings,
) -> None:
    """In one process, as served: batches through the real ASGI app, pages through AppTest."""
    install_settings(settings)
    database = shared(settings.db)
    stop, posted = threading.Event(), []
    try:
        with TestClient(create_app(settings, database)) as api:
            token = get_token(api, create_client(api))

            def pour() -> None:
                while not stop.is_set():
                    posted.append(post_batch(api, token, batch()).status_code)

            assert post_batch(api, token, batch()).status_code == 200
            pouring = threading.Thread(target=pour)
            pouring.start()
            try:
                delivered = [overview_delivered() for _ in range(6)]
            finally:
                stop.set()
                pouring.join()
    finally:
        close_shared(settings.db)
    assert set(posted) == {200} and len(posted) >= 6, "the batches hardly poured in"
    assert all(count % BATCH == 0 for count in delivered), f"half a batch shown: {delivered}"
    assert delivered == sorted(delivered) and delivered[-1] > delivered[0]


def overview_delivered() -> int:
    """The Overview page's Delivered tile, rendered afresh (no cached query answers)."""
    st.cache_data.clear()
    page = AppTest.from_file(DASHBOARD, default_timeout=30).run()
    assert not page.exception, page.exception
    return int(next(m.value for m in page.metric if m.label == "Delivered").replace(",", ""))
