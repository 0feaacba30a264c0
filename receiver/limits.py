"""What any request may cost, enforced in plain ASGI before the framework does any work.

A request with too many headers, or declaring a body larger than its path's cap, is answered
before its body is read. While the app reads a body, the bytes are counted against the cap and
the clock against a deadline; a body past either is answered 413 or 408 at once, the connection
is closed, and the app sees only a client that went away. Few large bodies are read at a time:
one more is answered 503 with Retry-After, so memory stays bounded whoever posts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.metrics import Metrics
from receiver.errors import ApiError, response

TOKEN_PATH = "/oauth/token"
TOKEN_BODY_BYTES = 4 * 1024  # grant_type, client id, secret and scope: a few hundred bytes
MAX_HEADERS = 100  # a browser sends ~20, SendGrid ~10
LARGE_BODY_BYTES = 1024 * 1024
LARGE_BODIES = 8  # read at once: 8 x the 8 MiB webhook cap (the admin cap only past its secret)
RETRY_AFTER_SECONDS = 5
OUTCOMES = {413: "too_large", 408: "too_slow", 431: "too_many_headers", 503: "busy"}


@dataclass
class Limits:
    """`caps` maps a path prefix (below the app's root path) to its body cap; others get
    `default_cap`."""

    app: ASGIApp
    caps: Mapping[str, int]
    default_cap: int
    body_seconds: float
    metrics: Metrics | None = None
    large_bodies: int = LARGE_BODIES
    _large_now: int = field(default=0, init=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", ""))
        body = _Body(self, scope, receive, send, path)
        try:
            refused = body.refused_at_once()
            if refused:
                await body.answer(refused)
                return
            await self.app(scope, body.receive, body.send)
        except Exception:
            if not body.answered:
                raise  # the app's own failure; after an answer, only its echo of the refusal
        finally:
            body.release()

    def cap(self, path: str) -> int:
        found = [cap for prefix, cap in self.caps.items() if path.startswith(prefix)]
        return found[0] if found else self.default_cap

    def take_large(self) -> bool:
        if self._large_now >= self.large_bodies:
            return False
        self._large_now += 1
        return True

    def give_back_large(self) -> None:
        self._large_now -= 1


class _Body:
    def __init__(self, limits: Limits, scope: Scope, receive: Receive, send: Send, path: str):
        self.limits, self.scope, self.cap = limits, scope, limits.cap(path)
        self.oauth = path == TOKEN_PATH  # the token endpoint speaks RFC 6749 §5.2 errors only
        self._receive, self._send = receive, send
        self.deadline = asyncio.get_running_loop().time() + limits.body_seconds
        self.size, self.complete, self.large = 0, False, False
        self.started = self.answered = False

    def refused_at_once(self) -> ApiError | None:
        headers = self.scope["headers"]
        if len(headers) > MAX_HEADERS:
            return ApiError(431, "headers_too_many", f"Send at most {MAX_HEADERS} headers.")
        declared = next((v for k, v in headers if k == b"content-length"), b"")
        if declared.isdigit():
            if int(declared) > self.cap:
                return self.too_large()
            if int(declared) > LARGE_BODY_BYTES:
                return self.take_large()
        return None

    async def receive(self) -> Message:
        if self.answered:
            return {"type": "http.disconnect"}
        if self.complete:
            return await self._receive()  # only a disconnect can come now: no deadline
        try:
            async with asyncio.timeout_at(self.deadline):
                message = await self._receive()
        except TimeoutError:
            return await self.refuse(self.too_slow())
        if message["type"] == "http.request":
            self.size += len(message.get("body", b""))
            refused = self.too_large() if self.size > self.cap else None
            if not refused and self.size > LARGE_BODY_BYTES:
                refused = self.take_large()
            if refused:
                return await self.refuse(refused)
            self.complete = not message.get("more_body", False)
        return message

    async def send(self, message: Message) -> None:
        if self.answered:
            return  # the app answering the disconnect it was shown: the client has its answer
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)

    async def refuse(self, exc: ApiError) -> Message:
        if not self.started:
            await self.answer(exc)
        self.answered = True
        return {"type": "http.disconnect"}

    async def answer(self, exc: ApiError) -> None:
        if self.limits.metrics:
            self.limits.metrics.batch(OUTCOMES[exc.status])
        if self.oauth and exc.status != 503:
            exc.error = "invalid_request"
        exc.headers["Connection"] = "close"  # the rest of the body is never read
        self.answered = True
        await response(exc)(self.scope, self._receive, self._send)

    def too_large(self) -> ApiError:
        return ApiError(413, "payload_too_large", f"The body exceeds {self.cap} bytes.")

    def too_slow(self) -> ApiError:
        return ApiError(
            408,
            "request_timeout",
            f"The body did not arrive within {self.limits.body_seconds:g} seconds.",
        )

    def take_large(self) -> ApiError | None:
        if self.large or self.limits.take_large():
            self.large = True
            return None
        return ApiError(
            503,
            "temporarily_unavailable",
            "Too many large bodies are being received: retry in a few seconds.",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    def release(self) -> None:
        if self.large:
            self.large = False
            self.limits.give_back_large()
