"""Reports and pages read as batches pour in: never an error, never half a batch.

How much the readers slow ingestion down is measured, not asserted: `python -m bench.soak`.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest

from core.database import close_shared, shared
from core.settings import Settings, install_settings
from harness.readers import BATCH, batch, ingest, readers
from harness.server import Server
from mailpulse.server import DASHBOARD
from receiver.app import create_app
from tests.conftest import create_client, get_token, post_batch


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
