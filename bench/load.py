"""A loopback load generator: signed, OAuth-authenticated posts from concurrent clients."""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import orjson

from simulator.credentials import Signer

_batch_ids = itertools.count()


@dataclass(frozen=True)
class Run:
    events: int
    stored: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def quantile(self, q: int) -> float:
        return quantile(self.latencies, q)


def quantile(latencies: list[float], q: int) -> float:
    """The q-th percentile of `latencies` (0 when there are too few to tell)."""
    return statistics.quantiles(latencies, n=100)[q - 1] if len(latencies) > 1 else 0.0


def bodies(count: int, size: int, employees: int = 5000) -> list[bytes]:
    """Distinct events, timestamps near now (new events for a live campaign)."""
    now = int(time.time())
    out = []
    for _ in range(count):
        b = next(_batch_ids)
        out.append(orjson.dumps([
            {"email": f"e{(b * size + i) % employees}@corp.example",
             "event": ("delivered", "open", "click", "processed")[i % 4],
             "timestamp": now - 600 + i % 600, "sg_event_id": f"bench-{now}-{b}-{i}",
             "sg_message_id": f"m{b}x{i}.filter0001", "campaign": "bench",
             "employee_id": f"E{(b * size + i) % employees}", "category": ["survey"]}
            for i in range(size)
        ]))  # fmt: skip
    return out


def post_all(url: str, token: str | None, signer: Signer | None, payloads: list[bytes],
             clients: int) -> Run:  # fmt: skip
    """Posts every payload once, `clients` at a time; the bodies are signed beforehand."""
    base = {"Content-Type": "application/json"}
    if token:
        base["Authorization"] = f"Bearer {token}"
    signed = [(body, {**base, **(signer.headers(body) if signer else {})}) for body in payloads]
    local = threading.local()
    latencies: list[float] = []

    def post(item: tuple[bytes, dict[str, str]]) -> int:
        if not hasattr(local, "http"):
            local.http = httpx.Client(timeout=60)
        started = time.perf_counter()
        response = local.http.post(url, content=item[0], headers=item[1])
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()
        return response.json().get("stored", 0)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        stored = sum(pool.map(post, signed))
    seconds = time.perf_counter() - started
    events = sum(len(orjson.loads(body)) for body in payloads)
    return Run(events, stored, seconds, latencies)
