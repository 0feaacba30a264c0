"""What the machine and DuckDB can do at best, measured in the same run as mailpulse."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import httpx

from bench.load import Run, post_all
from harness.server import free_port

COLUMNS = (
    "{email: 'VARCHAR', event: 'VARCHAR', timestamp: 'BIGINT', sg_event_id: 'VARCHAR', "
    "sg_message_id: 'VARCHAR', campaign: 'VARCHAR', employee_id: 'VARCHAR', category: 'JSON'}"
)


def duckdb_read_json(payloads: list[bytes]) -> float:
    """Ceiling (a): events/s of DuckDB's own read_json insert, one commit per batch, no dedupe."""
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "ceiling.duckdb"))
        con.execute(
            "CREATE TABLE t (email VARCHAR, event VARCHAR, timestamp BIGINT, sg_event_id VARCHAR,"
            " sg_message_id VARCHAR, campaign VARCHAR, employee_id VARCHAR, category JSON)"
        )
        body_file = Path(tmp) / "body.json"
        events, started = 0, time.perf_counter()
        for body in payloads:
            body_file.write_bytes(body)
            con.execute("BEGIN")
            inserted = con.execute(
                f"INSERT INTO t SELECT * FROM read_json($p, format='array', columns={COLUMNS})",
                {"p": str(body_file)},
            ).fetchall()
            con.execute("COMMIT")
            events += inserted[0][0]
        seconds = time.perf_counter() - started
        con.close()
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
