"""Reports and pages read as batches pour in: never an error, never half a batch.

How much the readers slow ingestion down is measured, not asserted: `python -m bench.soak`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson
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
    """Posts `count` batches one after another; their latencies in seconds."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies = []
    with httpx.Client(timeout=30) as http:
        for _ in range(count):
            started = time.perf_counter()
            assert http.post(server.webhook, content=batch(), headers=headers).status_code == 200
            latencies.append(time.perf_counter() - started)
    return latencies


def read_reports(server: Server, stop: threading.Event, seen: list[int], campaign: str) -> None:
    """The funnel report and a reminder export through the admin API, until `stop`."""
    admin = json.loads(Path(server.env["MAILPULSE_DB"] + ".admin").read_text())
    headers = {"X-Mailpulse-Admin-Secret": admin["secret"]}
    with httpx.Client(timeout=60) as http:
        while not stop.is_set():
            for name, arguments in (
                ("funnel_report", {"campaign": campaign}),
                ("reminders_export", {"campaign": campaign, "segment": "unopened"}),
            ):
                response = http.post(
                    f"{admin['url']}/commands/{name}", json=arguments, headers=headers
                )
                assert response.status_code == 200, response.text
                result = response.json()["result"]
                seen.append(result["stages"]["delivered"] if "stages" in result else result["rows"])


@contextmanager
def readers(server: Server, campaign: str, count: int = 2) -> Iterator[list[int]]:
    """`count` readers looping back to back while the block runs; what they saw."""
    stop, seen = threading.Event(), []
    threads = [
        threading.Thread(target=read_reports, args=(server, stop, seen, campaign))
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    try:
        yield seen
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def test_reports_during_heavy_ingest_never_fail_nor_see_half_a_batch(tmp_path: Path) -> None:
    server = Server(tmp_path)
    server.start()
    try:
        token = server.token()
        ingest(server, token, 5)  # the campaign exists before anyone reads it
        with readers(server, "rw") as seen:
            ingest(server, token, 80)
    finally:
        server.stop()
    assert len(seen) >= 10, "the readers hardly ran"
    assert all(count % BATCH == 0 for count in seen), "a reader saw part of a batch"


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
