"""Batches poured in one after another, and readers looping reports beside them."""

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

from harness.server import Server

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
