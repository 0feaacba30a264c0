"""A simulated SendGrid Event Webhook: OAuth tokens, signed batches, parallel posts, retries."""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
import orjson

from simulator.credentials import REQUEST_TIMEOUT_SECONDS, Signer, TokenSource

USER_AGENT = "SendGrid Event API"


@dataclass
class Counters:
    """What the simulated SendGrid did; `events_accepted` excludes its deliberate repeats."""

    batches_accepted: int = 0
    events_accepted: int = 0
    events_stored: int = 0  # as the receiver answered, repeats included (they store nothing)
    duplicates: int = 0
    answers_rejected: int = 0  # non-2xx answers, each retried later
    connection_errors: int = 0
    retries: int = 0
    batches_repeated: int = 0
    events_repeated: int = 0
    events_abandoned: int = 0  # never acknowledged: the simulation stopped while retrying
    events_waiting: int = 0
    tokens_fetched: int = 0
    last_refusal: str = ""


@dataclass(frozen=True)
class Options:
    servers: int = 4  # SendGrid posts from several machines at once
    interval: float = 3.0  # each machine posts what it has every few seconds
    max_batch: int = 1000
    repeat_share: float = 0.03  # batches SendGrid delivers twice
    # A repeat is a new delivery: it must be signed in a later second than the first post, or
    # it is the same signed body, which the receiver answers as a retry after a lost answer.
    repeat_after: tuple[float, float] = (5.0, 30.0)
    retry_first: float = 1.0  # retries wait 1, 2, 4, ... seconds, up to retry_cap
    retry_cap: float = 30.0
    seed: int = 7

    def __post_init__(self) -> None:
        if self.repeat_after[0] <= 1.0:
            raise ValueError("repeat_after must start after 1 s: signature timestamps are seconds")


@dataclass
class _Server:
    inbox: deque[dict[str, Any]] = field(default_factory=deque)
    repeats: list[tuple[float, bytes, int]] = field(default_factory=list)  # (due, body, events)


class SendGrid:
    """Posts batches to `base_url`'s receiver as SendGrid does; `deliver` also works alone."""

    def __init__(
        self, base_url: str, client_id: str, client_secret: str, signer: Signer, options: Options
    ) -> None:
        self.webhook_url = f"{base_url}/api/webhooks/sendgrid"
        self.tokens = TokenSource(f"{base_url}/api/oauth/token", client_id, client_secret)
        self.signer, self.options = signer, options
        self._rng = random.Random(options.seed)
        self._lock = threading.Lock()
        self._counters = Counters()
        self._servers = [_Server() for _ in range(options.servers)]
        self._threads: list[threading.Thread] = []
        self._local = threading.local()  # one keep-alive connection pool per posting thread
        self._stop = threading.Event()

    def counters(self) -> Counters:
        with self._lock:
            snapshot = Counters(**asdict(self._counters))
        snapshot.tokens_fetched = self.tokens.fetched
        snapshot.events_waiting = sum(len(s.inbox) for s in self._servers)
        return snapshot

    def submit(self, event: dict[str, Any]) -> None:
        """Hand an event to one of the machines: events of one message may take different ones."""
        with self._lock:
            self._rng.choice(self._servers).inbox.append(event)

    def start(self) -> None:
        for n, server in enumerate(self._servers):
            thread = threading.Thread(
                target=self._run, args=(server,), name=f"sendgrid-{n}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Stops posting; a post in flight finishes, a batch waiting to be retried is abandoned."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def deliver(self, events: list[dict[str, Any]]) -> bool:
        """Posts one batch until it is accepted (True) or the simulation stops (False)."""
        body = orjson.dumps(events)
        if not self._post_until_accepted(body):
            self._count(events_abandoned=len(events))
            return False
        self._count(batches_accepted=1, events_accepted=len(events))
        return True

    def _run(self, server: _Server) -> None:
        rng = random.Random(self._rng.random())
        try:
            while not self._stop.wait(self.options.interval * rng.uniform(0.6, 1.4)):
                self._post_repeats(server)
                while server.inbox and not self._stop.is_set():
                    self._post_inbox(server, rng)
        finally:
            if hasattr(self._local, "client"):
                self._local.client.close()

    def _post_inbox(self, server: _Server, rng: random.Random) -> None:
        batch = self._take(server, rng)
        if self.deliver(batch) and rng.random() < self.options.repeat_share:
            due = time.monotonic() + rng.uniform(*self.options.repeat_after)
            server.repeats.append((due, orjson.dumps(batch), len(batch)))

    def _take(self, server: _Server, rng: random.Random) -> list[dict[str, Any]]:
        with self._lock:
            size = min(len(server.inbox), self.options.max_batch)
            batch = [server.inbox.popleft() for _ in range(size)]
        rng.shuffle(batch)  # SendGrid promises no order inside a batch, or across them
        return batch

    def _post_repeats(self, server: _Server) -> None:
        now = time.monotonic()
        due = [r for r in server.repeats if r[0] <= now]
        server.repeats[:] = [r for r in server.repeats if r[0] > now]
        for _, body, events in due:
            if self._post_until_accepted(body):
                self._count(batches_repeated=1, events_repeated=events)

    def _post_until_accepted(self, body: bytes) -> bool:
        wait = self.options.retry_first
        while not self._stop.is_set():
            if self._post_once(body):
                return True
            self._count(retries=1)
            if self._stop.wait(wait * self._rng.uniform(0.8, 1.2)):
                break
            wait = min(wait * 2, self.options.retry_cap)
        return False

    def _post_once(self, body: bytes) -> bool:
        try:
            token = self.tokens.get()
            response = self._client().post(
                self.webhook_url,
                content=body,
                headers=self._headers(token, body),
            )
        except httpx.HTTPError as exc:
            self._count(connection_errors=1, last_refusal=f"{type(exc).__name__}: {exc}")
            return False
        if response.status_code == 401:
            self.tokens.discard(token)
        if not response.is_success:
            self._count(answers_rejected=1, last_refusal=f"{response.status_code} {response.text}")
            return False
        answer = response.json()
        self._count(events_stored=answer.get("stored", 0), duplicates=answer.get("duplicates", 0))
        return True

    def _client(self) -> httpx.Client:
        if not hasattr(self._local, "client"):
            self._local.client = httpx.Client(timeout=REQUEST_TIMEOUT_SECONDS)
        return self._local.client

    def _headers(self, token: str, body: bytes) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **self.signer.headers(body),  # signed at each attempt, as SendGrid does
        }

    def _count(self, last_refusal: str = "", **increments: int) -> None:
        with self._lock:
            for name, n in increments.items():
                setattr(self._counters, name, getattr(self._counters, name) + n)
            if last_refusal:
                self._counters.last_refusal = last_refusal[:300]
