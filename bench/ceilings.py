"""What the machine and DuckDB can do at best, measured in the same run as mailpulse."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx

from bench.load import Run, post_all
from core.database import Database
from harness.server import free_port

INSERT = (Path(__file__).parent / "ceiling_insert.sql").read_text().split(";\n\n")


def duckdb_read_json(payloads: list[bytes]) -> float:
    """Ceiling (a): events/s of DuckDB's own read_json insert of every field mailpulse stores
    (bench/ceiling_insert.sql), into its own tables, one transaction per body, no dedupe."""
    archive, rows, outcome = INSERT
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(Path(tmp) / "ceiling.duckdb")  # the product's schema and writer
        body_file = Path(tmp) / "body.json"

        def store(con: duckdb.DuckDBPyConnection, batch_id: int, body: bytes) -> None:
            at = datetime.now(UTC)
            con.execute(archive, {"batch_id": batch_id, "received_at": at, "body": body})
            params = {"batch_id": batch_id, "received_at": at, "path": str(body_file)}
            [(count,)] = con.execute(rows, params).fetchall()
            con.execute(outcome, {"batch_id": batch_id, "received_at": at, "count": count})

        started = time.perf_counter()
        for batch_id, body in enumerate(payloads):
            body_file.write_bytes(body)
            database.write(lambda con, i=batch_id, b=body: store(con, i, b))
        seconds = time.perf_counter() - started
        events = sum(n for _, n in database.rows("events_by_type"))
        database.close()
    return events / seconds


def http_without_storing(payloads: list[bytes], clients: int) -> Run:
    """Ceiling (b): uvicorn + FastAPI reading each body and answering, storing nothing."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.null_server:app", "--port", str(port),
               "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command)
    try:
        url = f"http://127.0.0.1:{port}/api/webhooks/sendgrid"
        for _ in range(100):
            try:
                httpx.post(url, content=b"[]")
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        return post_all(url, None, None, payloads, clients)
    finally:
        server.terminate()
        server.wait()
