"""SIGKILLs at random moments under sustained signed ingest, and what the database kept."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import orjson

from core.database import Database
from harness.server import Server
from simulator.credentials import Signer

POSTERS = 3
_serial = itertools.count()


def signed_batch(key: Signer, size: int = 50) -> tuple[bytes, list[str]]:
    n = next(_serial)
    now = int(time.time())
    events = [
        {"event": "delivered", "timestamp": now, "email": f"p{i}@corp.example",
         "sg_event_id": f"crash-{n}-{i}", "sg_message_id": f"crash{n}x{i}.filter",
         "campaign": "crash"}
        for i in range(size)
    ]  # fmt: skip
    return orjson.dumps(events), [e["sg_event_id"] for e in events]


def post_until(server: Server, token: str, key: Signer, stop: threading.Event,
               sent: list[list[str]], acked: list[list[str]]) -> None:  # fmt: skip
    with httpx.Client(timeout=10) as http:
        while not stop.is_set():
            body, keys = signed_batch(key)
            sent.append(keys)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            try:
                response = http.post(
                    f"{server.url}/api/webhooks/sendgrid",
                    content=body,
                    headers={**headers, **key.headers(body)},
                )
            except httpx.HTTPError:
                return  # the server died under us: this batch was never acknowledged
            if response.status_code == 200:
                acked.append(keys)


def stored_keys(db_path: Path) -> Counter[str]:
    """How often each sg_event_id is stored."""
    database = Database(db_path)
    with database.cursor() as cur:
        ids = cur.execute("SELECT sg_event_id FROM events WHERE sg_event_id IS NOT NULL")
        keys = Counter(k for (k,) in ids.fetchall())
    database.close()
    return keys


def kill_rounds(server: Server, key: Signer, kills: int, seed: int = 5):  # noqa: ANN201
    """Sustained signed ingest, SIGKILLed `kills` times at random moments, restarted each time.

    Returns the batches sent, those acknowledged, and each restart's seconds to ready."""
    sent: list[list[str]] = []
    acked: list[list[str]] = []
    restarts: list[float] = []
    rng = random.Random(seed)
    for round_ in range(kills):
        token = server.token(f"sendgrid-{round_}")
        stop = threading.Event()
        posters = [
            threading.Thread(target=post_until, args=(server, token, key, stop, sent, acked))
            for _ in range(POSTERS)
        ]
        for poster in posters:
            poster.start()
        time.sleep(rng.uniform(0.5, 2.0))
        server.kill()
        stop.set()
        for poster in posters:
            poster.join()
        started = time.monotonic()
        server.start()
        restarts.append(time.monotonic() - started)
    return sent, acked, restarts
