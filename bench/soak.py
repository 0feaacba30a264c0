"""The long robustness run, by hand: SIGKILLs under signed ingest, a flood, reads during writes.

    python -m bench.soak [--kills 20] [--flood 20000] [--batches 300] [--only SECTION ...]

Prints kills survived, batches acknowledged, events lost (must be 0), batches stored in part
(must be 0); forged events stored (must be 0), the flood's rate and the genuine ingest beside it
(must keep half its rate); ingest p99 alone and beside two readers looping reports (bound: 2x);
and what attacks cost (bench/attacks.py).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import attacks
from bench.load import bodies, post_all
from harness.crashes import kill_rounds, stored_keys
from harness.floods import forge, forgeries_stored, genuine_rate, send_all
from harness.readers import BATCH, ingest, readers
from harness.server import Server, rss_mb
from simulator.credentials import Signer

CLIENTS, EMPLOYEES = 4, 20_000
SECTIONS = ["crashes", "flood", "reads", "attacks"]


def crashes(kills: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        key, server = Signer(), Server(Path(tmp))
        server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = key.public_key
        server.start()
        sent, acked, restarts = kill_rounds(server, key, kills)
        server.stop()
        stored = stored_keys(Path(server.env["MAILPULSE_DB"]))
    lost = sum(1 for keys in acked for k in keys if stored[k] != 1)
    partial = sum(1 for keys in sent if len({stored[k] for k in keys}) > 1)
    print(f"kills survived: {kills}; batches acknowledged: {len(acked):,} "
          f"({sum(map(len, acked)):,} events); events lost: {lost}; stored twice: "
          f"{sum(1 for n in stored.values() if n > 1)}; batches stored in part: {partial}; "
          f"restart to ready: max {max(restarts):.1f} s")  # fmt: skip


def flood(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        key, forger, server = Signer(), Signer(), Server(Path(tmp))
        server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = key.public_key
        server.start()
        token = server.token()
        alone = genuine_rate(server, token, key, 60)
        before = rss_mb(server.process.pid)
        posts, flowing = forge(token, forger, count), threading.Event()
        started = time.perf_counter()
        with ThreadPoolExecutor(1) as pool:
            forged = pool.submit(send_all, server, posts, flowing)
            flowing.wait(30)
            beside = genuine_rate(server, token, key, 60)
            if forged.done():
                raise SystemExit("The flood ended before the genuine posts did: send a larger one.")
            codes = forged.result()
        seconds = time.perf_counter() - started
        after = rss_mb(server.process.pid)
        server.stop()
        stored = forgeries_stored(Path(server.env["MAILPULSE_DB"]))
    print(
        f"flood: {count:,} forged posts at {count / seconds:,.0f}/s, answers "
        f"{sorted(set(codes))}; forged events stored: {stored}; genuine ingest {alone:.0f} "
        f"batches/s alone, {beside:.0f} beside the flood ({beside / alone:.0%}); "
        f"RSS {before:.0f} -> {after:.0f} MB"
    )


def reads_during_writes(batches: int) -> None:
    """Ingest alone, then beside two readers looping reports: heavy ingest (as bench.run loads
    the server) against the bound, then a single stream of small batches, for the record."""
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp))
        server.start()
        token = server.token()

        def heavy(count: int) -> list[float]:
            payloads = bodies(count, 1000, EMPLOYEES)
            return post_all(server.webhook, token, None, payloads, CLIENTS).latencies

        def stream(count: int) -> list[float]:
            return ingest(server, token, count)

        for load, count, campaign, name in (
            (heavy, batches, "bench", f"heavy ingest ({CLIENTS} clients, 1000-event batches)"),
            (stream, 80, "rw", f"one stream of {BATCH}-event batches, one after another"),
        ):
            load(count)  # the campaign has its events before anyone reads it
            restart(server)
            load(5)  # warm again
            alone = p99(load(count))
            restart(server)
            with readers(server, campaign) as seen:
                load(5)
                beside = p99(load(count))
            print(
                f"reads during {name}: ingest p99 {alone * 1000:.0f} ms alone, "
                f"{beside * 1000:.0f} ms beside two readers looping reports "
                f"({beside / alone:.1f}x; bound 2x for heavy ingest); {len(seen)} reports read"
            )
        server.stop()


def restart(server: Server) -> None:
    """A clean stop checkpoints the log: no automatic checkpoint (a stall of 1-2 s every
    256 MiB of log) falls inside the run that follows, so the runs compare the readers alone."""
    server.stop()
    server.start()


def p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--flood", type=int, default=20_000)
    parser.add_argument("--batches", type=int, default=300, help="1000-event batches per run")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS,
                        help="run only these sections")  # fmt: skip
    args = parser.parse_args()
    sections = {
        "crashes": lambda: crashes(args.kills),
        "flood": lambda: flood(args.flood),
        "reads": lambda: reads_during_writes(args.batches),
        "attacks": attacks.run,
    }
    for name in args.only:
        sections[name]()


if __name__ == "__main__":
    main()
