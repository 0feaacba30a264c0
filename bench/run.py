"""mailpulse benchmarks, measured against the ceilings of the same machine in the same run.

    python -m bench.run                      # 0, 1M and 10M events stored (about 15 minutes)
    python -m bench.run --stored 0 --stored 60000 --batches 50   # a quick look

Prints one table; copy it into bench/RESULTS.md with the date, machine and command.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
from pathlib import Path

from bench import ceilings, dashboard, sending
from bench.dataset import employees_for, preload
from bench.load import bodies, post_all
from bench.machine import machine, peak_rss_mb
from core.database import Database
from harness.server import Server
from simulator.credentials import Signer

TARGET_SHARE, TARGET_P99_MS, TARGET_SMALL_SHARE, TARGET_QUERY_MS, TARGET_RSS_MB = (
    0.6,  # of ceiling (a), at every size
    250,  # also across checkpoints
    0.8,  # small posts, of the bare HTTP stack
    250,
    1024,  # at 10M stored
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, action="append", help="events stored beforehand")
    parser.add_argument("--batches", type=int, default=200, help="1000-event batches per run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent posting clients")
    parser.add_argument("--small-posts", type=int, default=4000, help="1-event posts")
    parser.add_argument("--invitations", type=int, default=100_000, help="0 skips the send bench")
    args = parser.parse_args()
    sizes = args.stored or [0, 1_000_000, 10_000_000]
    print(machine(), f"command: python -m bench.run {' '.join(os.sys.argv[1:])}".strip(), sep="\n")

    sample = bodies(100, 1000)
    ceiling_a = ceilings.duckdb_read_json(sample)
    ceiling_b = ceilings.http_without_storing(sample, args.clients)
    print(
        f"\nceiling (a) DuckDB read_json insert of every stored field, no dedupe: "
        f"{ceiling_a:,.0f} events/s"
    )
    print(f"ceiling (b) HTTP answering without storing: {ceiling_b.rate:,.0f} events/s, "
          f"p99 {ceiling_b.quantile(99) * 1000:.1f} ms")  # fmt: skip

    print("\n| stored | events/s | of (a) | p50 ms | p99 ms | checkpoints | exactly once |"
          " peak RSS MB | funnel ms | overview ms | export ms | Overview page s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for stored in sizes:
        print(ingest_row(stored, args, ceiling_a), flush=True)
    small = small_posts(args.small_posts)
    small_ceiling = ceilings.http_without_storing(bodies(args.small_posts, 1), 32)
    print(f"\nsmall posts (1 event, 32 clients): {small.rate:,.0f} events/s, "
          f"p99 {small.quantile(99) * 1000:.1f} ms; the HTTP stack answering without storing: "
          f"{small_ceiling.rate:,.0f}/s ({small.rate / small_ceiling.rate:.2f} of it)")  # fmt: skip
    print(f"\ntargets: >= {TARGET_SHARE} of (a) at every size; p99 < {TARGET_P99_MS} ms; small "
          f"posts >= {TARGET_SMALL_SHARE} of the bare stack; queries < {TARGET_QUERY_MS} ms "
          f"median; Overview page < 1 s; peak RSS < {TARGET_RSS_MB} MB")  # fmt: skip
    if args.invitations:
        print(*sending.section(args.invitations, runs=3), sep="\n")


def ingest_row(stored: int, args: argparse.Namespace, ceiling_a: float) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        server, signer = Server(Path(tmp)), Signer()
        server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = signer.public_key
        database_file = Path(server.env["MAILPULSE_DB"])
        preload(database_file, stored)
        server.start()
        url = f"{server.url}/api/webhooks/sendgrid"
        token = server.token()
        payloads = bodies(args.batches, 1000, employees_for(stored))
        with Checkpoints(database_file) as checkpoints:
            run = post_all(url, token, signer, payloads, args.clients)
        repeated = post_all(url, token, signer, payloads[:5], 1)
        peak_mb = peak_rss_mb(server.process.pid)
        seconds, charts = dashboard.render_seconds(server.url)
        page_s = f"{seconds:.2f} ({charts} charts)"
        server.stop()
        exact = run.stored == run.events and repeated.stored == 0
        exact = exact and count_events(database_file) == stored + run.events
        timings = dashboard.query_timings(database_file)
    return (
        f"| {stored:,} | {run.rate:,.0f} | {run.rate / ceiling_a:.2f} "
        f"| {run.quantile(50) * 1000:.0f} | {run.quantile(99) * 1000:.0f} "
        f"| {checkpoints.count} | {'yes' if exact else 'NO'} | {peak_mb:,.0f} "
        f"| {timings['funnel']:.0f} | {timings['overview']:.0f} | {timings['export']:.0f} "
        f"| {page_s} |"
    )


class Checkpoints:
    """Counts the server's WAL checkpoints during a run: each one empties the WAL file."""

    def __init__(self, database_file: Path) -> None:
        self.wal = database_file.with_name(database_file.name + ".wal")
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Checkpoints:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        last = self._size()
        while not self._stop.wait(0.005):
            size = self._size()
            self.count += size < last
            last = size

    def _size(self) -> int:
        try:
            return self.wal.stat().st_size
        except OSError:
            return 0


def small_posts(count: int):  # noqa: ANN201 (a load.Run)
    with tempfile.TemporaryDirectory() as tmp:
        server, signer = Server(Path(tmp)), Signer()
        server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = signer.public_key
        server.start()
        try:
            payloads = bodies(count, 1)
            return post_all(f"{server.url}/api/webhooks/sendgrid", server.token(), signer,
                            payloads, 32)  # fmt: skip
        finally:
            server.stop()


def count_events(path: Path) -> int:
    database = Database(path)
    try:
        return database.rows("events_by_type") and sum(
            n for _, n in database.rows("events_by_type")
        )
    finally:
        database.close()


if __name__ == "__main__":
    main()
