"""A flood of forged and unauthenticated posts beside genuine ingest: nothing forged is stored."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import orjson

from mailpulse.simulator.credentials import Signer
from tests.serving import Server
from tests.test_crash import stored_keys

FLOOD = 2_100  # the soak script (bench/soak.py) sends 20,000
_serial = itertools.count()


def batch(kind: str, size: int = 200) -> bytes:
    n, now = next(_serial), int(time.time())
    return orjson.dumps([
        {"event": "delivered", "timestamp": now, "email": f"p{i}@corp.example",
         "sg_event_id": f"{kind}-{n}-{i}", "campaign": "flood"}
        for i in range(size)
    ])  # fmt: skip


def genuine_rate(server: Server, token: str, key: Signer, batches: int) -> float:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    with httpx.Client(timeout=30) as http:
        for _ in range(batches):
            body = batch("genuine")
            response = http.post(
                server.webhook, content=body, headers={**headers, **key.headers(body)}
            )
            assert response.status_code == 200
    return batches / (time.perf_counter() - started)


def forge(token: str, forger: Signer, count: int) -> list[tuple[bytes, dict[str, str]]]:
    """Forged posts, prepared beforehand so that sending them costs the client little."""
    posts = []
    for n in range(count):
        body = batch("forged")
        headers = {"Content-Type": "application/json", **forger.headers(body)}
        if n % 3 == 1:  # a token of the forger's making
            headers["Authorization"] = f"Bearer {secrets.token_urlsafe(32)}"
        if n % 3 == 2:  # a real token, but a signature from the wrong key
            headers["Authorization"] = f"Bearer {token}"
        posts.append((body, headers))
    return posts


def send_all(server: Server, posts: list, flowing: threading.Event) -> list[int]:
    """Sends `posts` as fast as two connections can; `flowing` is set at the first answer."""

    def send(chunk: list[tuple[bytes, dict[str, str]]]) -> list[int]:
        codes = []
        with httpx.Client(timeout=30) as http:
            for body, headers in chunk:
                codes.append(http.post(server.webhook, content=body, headers=headers).status_code)
                flowing.set()
        return codes

    with ThreadPoolExecutor(2) as pool:
        return [code for codes in pool.map(send, [posts[0::2], posts[1::2]]) for code in codes]


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_a_flood_stores_nothing_forged_while_genuine_ingest_goes_on(tmp_path) -> None:
    """The rate beside the flood against the rate alone is measured by bench/soak.py."""
    key, forger = Signer(), Signer()
    server = Server(tmp_path)
    server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = key.public_key
    server.start()
    try:
        token = server.token()
        memory_before = rss_mb(server.process.pid)
        posts, flowing = forge(token, forger, FLOOD), threading.Event()
        with ThreadPoolExecutor(1) as flood_pool:
            flood = flood_pool.submit(send_all, server, posts, flowing)
            assert flowing.wait(30)
            genuine_rate(server, token, key, 20)  # every genuine post must still get its 200
            codes = flood.result()
        memory_after = rss_mb(server.process.pid)
        metrics = httpx.get(f"{server.url}/api/metrics").text
    finally:
        server.stop()

    assert sorted(set(codes)) == [401, 403]
    assert memory_after < memory_before + 100
    for reason in ("missing_token", "invalid_token", "bad_signature"):
        assert f'mailpulse_auth_failures_total{{reason="{reason}"}} {FLOOD // 3}' in metrics
    assert forgeries_stored(Path(server.env["MAILPULSE_DB"])) == 0


def forgeries_stored(db_path: Path) -> int:
    return sum(n for key, n in stored_keys(db_path).items() if key.startswith("forged-"))
