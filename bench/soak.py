"""The long robustness run, by hand: many SIGKILLs under signed ingest, then a 20,000-post flood.

    python -m bench.soak [--kills 20] [--flood 20000]

Prints kills survived, batches acknowledged, events lost (must be 0), batches stored in part
(must be 0), forged events stored (must be 0), the flood's rate and the genuine ingest beside it.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mailpulse.database import Database
from mailpulse.simulator.credentials import Signer
from tests.serving import Server
from tests.test_crash import kill_rounds, stored_keys
from tests.test_flood import forge, genuine_rate, rss_mb, send_all


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
        database = Database(Path(server.env["MAILPULSE_DB"]))
        with database.cursor() as cur:
            query = "SELECT count(*) FROM events WHERE event_key LIKE 'forged-%'"
            stored = cur.execute(query).fetchall()[0][0]
        database.close()
    print(
        f"flood: {count:,} forged posts at {count / seconds:,.0f}/s, answers "
        f"{sorted(set(codes))}; forged events stored: {stored}; genuine ingest {alone:.0f} "
        f"batches/s alone, {beside:.0f} beside the flood ({beside / alone:.0%}); "
        f"RSS {before:.0f} -> {after:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--flood", type=int, default=20_000)
    args = parser.parse_args()
    crashes(args.kills)
    flood(args.flood)


if __name__ == "__main__":
    main()
