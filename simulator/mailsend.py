"""A fake SendGrid Mail Send API (`POST /v3/mail/send`) over real HTTP, for tests and the demo.

It checks the bearer key and the body as SendGrid does, answers 202 with `X-Message-Id`, and
keeps what it accepted, from which the Event Webhook is fed (`simulator.campaign_feed` in the
demo, `simulator.sent_events` in tests). Faults on
demand: an answer status (429 with the rate-limit headers, 5xx, 4xx) for the next requests, or a
lost answer (the request is accepted, then the connection drops before any answer).
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from simulator.mail_validation import error, validate

MAX_BODY_BYTES = 30 * 1024 * 1024  # SendGrid's limit for a whole request
UNAUTHORIZED = "The provided authorization grant is invalid, expired, or revoked"


@dataclass(frozen=True)
class Accepted:
    message_id: str
    body: dict[str, Any]
    at: float

    @property
    def personalizations(self) -> list[dict[str, Any]]:
        return self.body["personalizations"]


@dataclass(frozen=True)
class Fault:
    status: int | None  # None: accept, then drop the connection without answering
    reset_in: float = 1.0  # 429: X-RateLimit-Reset this many seconds ahead


@dataclass
class FakeMailSend:
    api_key: str = field(default_factory=lambda: "SG.fake-" + secrets.token_urlsafe(16))
    delay: float = 0.0  # seconds per request, as a real API takes
    on_accepted: Callable[[Accepted], None] | None = None
    keep: bool = True  # False: accepted bodies are not kept (a benchmark's 100k recipients)

    def __post_init__(self) -> None:
        self.accepted: list[Accepted] = []
        self.requests = 0
        self.answers: list[int | None] = []
        self.authorizations: list[str] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def fault(self, status: int | None, times: int = 1, reset_in: float = 1.0) -> None:
        with self._lock:
            self._faults.extend(Fault(status, reset_in) for _ in range(times))

    def recipients(self) -> list[dict[str, str]]:
        """The custom args of every personalization accepted, in order."""
        with self._lock:
            return [p.get("custom_args", {}) for a in self.accepted for p in a.personalizations]

    def start(self) -> str:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-mailsend",
                         daemon=True).start()  # fmt: skip
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def handle(self, authorization: str, raw: bytes) -> tuple[int | None, dict[str, str], Any]:
        """(status or None for a lost answer, headers, JSON body)."""
        with self._lock:
            self.requests += 1
            self.authorizations.append(authorization)
        if authorization != f"Bearer {self.api_key}":
            return 401, {}, {"errors": [error(UNAUTHORIZED)]}
        fault = self._next_fault()
        if fault is not None and fault.status is not None:
            return self._faulted(fault)
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return 400, {}, {"errors": [error("Bad Request")]}
        if errors := validate(body):
            return 400, {}, {"errors": errors}
        accepted = self._accept(body)
        return (None if fault else 202), {"X-Message-Id": accepted.message_id}, None

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _faulted(self, fault: Fault) -> tuple[int, dict[str, str], Any]:
        if fault.status == 429:
            reset = str(int(time.time() + fault.reset_in + 0.999))
            headers = {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0",
                       "X-RateLimit-Reset": reset}  # fmt: skip
            return 429, headers, {"errors": [error("too many requests")]}
        if fault.status == 403:
            return 403, {}, {"errors": [error("access forbidden")]}
        return fault.status or 500, {}, {"errors": [error("Internal server error")]}

    def _accept(self, body: dict[str, Any]) -> Accepted:
        accepted = Accepted(secrets.token_urlsafe(16).replace("-", "x"), body, time.time())
        if self.keep:
            with self._lock:
                self.accepted.append(accepted)
        if self.on_accepted is not None:
            self.on_accepted(accepted)
        return accepted


def _handler(fake: FakeMailSend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            if self.path != "/v3/mail/send":
                return self._answer(404, {}, {"errors": [error("Not found")]})
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                return self._answer(413, {}, {"errors": [error("Payload too large")]})
            raw = self.rfile.read(length)
            time.sleep(fake.delay)
            status, headers, body = fake.handle(self.headers.get("Authorization", ""), raw)
            with fake._lock:
                fake.answers.append(status)
            if status is None:
                self.connection.shutdown(socket.SHUT_RDWR)  # accepted, but nobody hears it
                self.close_connection = True
                return None
            return self._answer(status, headers, body)

        def _answer(self, status: int, headers: dict[str, str], body: Any) -> None:
            data = b"" if body is None else orjson.dumps(body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: the tests and the demo report what matters

    return Handler
