"""SIGKILL under sustained signed ingest: every acknowledged batch survives, none in part."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import orjson

from mailpulse.database import Database
from mailpulse.simulator.credentials import Signer
from tests.serving import Server

KILLS = 3
POSTERS = 3
_serial = itertools.count()


def signed_batch(key: Signer, size: int = 50) -> tuple[bytes, list[str]]:
    n = next(_serial)
    now = int(time.time())
    events = [
        {"event": "delivered", "timestamp": now, "email": f"p{i}@corp.example",
         "sg_event_id": f"crash-{n}-{i}", "campaign": "crash"}
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
    database = Database(db_path)
    with database.cursor() as cur:
        keys = Counter(k for (k,) in cur.execute("SELECT event_key FROM events").fetchall())
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


def test_sigkill_during_ingest_loses_no_acknowledged_batch_and_stores_none_in_part(
    tmp_path: Path,
) -> None:
    key = Signer()
    server = Server(tmp_path)
    server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = key.public_key
    server.start()
    sent, acked, restarts = kill_rounds(server, key, KILLS)
    server.stop()

    stored = stored_keys(Path(server.env["MAILPULSE_DB"]))
    assert len(acked) > 10 * KILLS, "too little ingest to prove anything"
    assert max(restarts) < 15, "not ready again within seconds"
    assert max(stored.values()) == 1, "an event was stored twice"
    for keys in acked:
        assert all(stored[k] == 1 for k in keys), "an acknowledged batch was lost"
    for keys in sent:
        assert len({stored[k] for k in keys}) == 1, "a batch was stored in part"
