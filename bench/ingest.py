"""Ingest through HTTP: OAuth-authenticated 1000-event batches against `mailpulse serve`.

    python bench/ingest.py --stored 0 --stored 1000000 [--batches 200] [--clients 4]

Prints events/s and request latency p50/p99 for each store size, and checks every event was
stored exactly once.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson

from mailpulse import sql
from mailpulse.database import Database
from tests.test_server import Server


def preload(db_path: Path, n: int) -> None:
    database = Database(db_path)
    if n:
        database.write(
            lambda con: con.execute(
                sql.text("preload_events"), {"n": n, "until": datetime.now(UTC)}
            )
        )
    database.close()


def batches(count: int, size: int) -> list[bytes]:
    now = int(time.time())
    return [
        orjson.dumps(
            [
                {
                    "email": f"e{(b * size + i) % 5000}@corp.example",
                    "event": ("delivered", "open", "click", "processed")[i % 4],
                    "timestamp": now - 3600 + (b * size + i) // 100,
                    "sg_event_id": f"bench-{b}-{i}",
                    "sg_message_id": f"m{b}x{i}.filter",
                    "campaign": "bench",
                    "employee_id": f"E{(b * size + i) % 5000}",
                }
                for i in range(size)
            ]
        )
        for b in range(count)
    ]


def run(stored: int, count: int, size: int, clients: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp))
        preload(Path(server.env["MAILPULSE_DB"]), stored)
        server.start()
        try:
            token = server.token()
            bodies = batches(count, size)
            latencies: list[float] = []
            http = httpx.Client(timeout=60)

            def post(body: bytes) -> int:
                started = time.perf_counter()
                response = http.post(
                    f"{server.url}/api/webhooks/sendgrid",
                    content=body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                latencies.append(time.perf_counter() - started)
                return response.json()["stored"]

            started = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                total = sum(pool.map(post, bodies))
            elapsed = time.perf_counter() - started
            again = sum(map(post, bodies[:5]))
        finally:
            server.stop()
        q = statistics.quantiles(latencies, n=100)
        ok = "yes" if total == count * size and again == 0 else f"NO ({total}, {again})"
        print(
            f"{stored:>10,} stored | {total / elapsed:>9,.0f} events/s | "
            f"p50 {q[49] * 1000:6.1f} ms | p99 {q[98] * 1000:6.1f} ms | exactly once: {ok}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, action="append", help="events stored beforehand")
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    print(f"{args.batches} batches of {args.size} events, {args.clients} concurrent clients")
    for stored in args.stored or [0]:
        run(stored, args.batches, args.size, args.clients)


if __name__ == "__main__":
    main()
