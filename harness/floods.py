"""Floods of forged and unauthenticated posts, and genuine signed ingest to measure beside them."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import orjson

from harness.crashes import stored_keys
from harness.server import Server
from simulator.credentials import Signer

_serial = itertools.count()


def batch(kind: str, size: int = 200) -> bytes:
    n, now = next(_serial), int(time.time())
    return orjson.dumps([
        {"event": "delivered", "timestamp": now, "email": f"p{i}@corp.example",
         "sg_event_id": f"{kind}-{n}-{i}", "sg_message_id": f"{kind}{n}x{i}.filter",
         "campaign": "flood"}
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


def forgeries_stored(db_path: Path) -> int:
    return sum(n for key, n in stored_keys(db_path).items() if key.startswith("forged-"))
