"""What a connection may hold: uvicorn's knobs, and a header deadline uvicorn lacks.

A client that opens connections and never finishes their headers (slowloris) would otherwise
hold them, and their file descriptors, for ever: each connection gets `seconds` to finish a
request's headers, at its start and again whenever a new request begins, else it is answered
408 and closed. Uvicorn's own keep-alive timeout closes idle connections between requests.
"""

from __future__ import annotations

import asyncio
import functools
import resource
from http import HTTPStatus
from typing import Any

import orjson
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_BYTES = 64 * 1024  # request line and headers; a browser with its cookies sends < 8 KiB
KEEP_ALIVE_SECONDS = 5
BACKLOG = 2048
RESERVED_FILES = 256  # descriptors kept for the database, logs, the send runner's connections
TOO_SLOW = (408, "request_timeout", "The request headers came too slowly.")
TOO_LARGE = (431, "headers_too_large", f"The request line and headers exceed {HEADER_BYTES} bytes.")


class HeaderDeadline(H11Protocol):
    def __init__(self, *args: Any, seconds: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seconds = seconds
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the first bytes of the next request on a kept-alive connection
        waiting = self.scope
        super().data_received(data)
        if self.scope is not waiting:  # a request's headers arrived (or a websocket upgrade)
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._timer = self.loop.call_later(self.seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _too_slow(self) -> None:
        self._timer = None
        self._refuse(*TOO_SLOW)

    def send_400_response(self, msg: str) -> None:
        """h11 refused the request; say so precisely when it is the headers' size."""
        if len(self.conn.trailing_data[0]) > HEADER_BYTES:
            self._refuse(*TOO_LARGE)
        else:
            super().send_400_response(msg)

    def _refuse(self, status: int, error: str, description: str) -> None:
        """Answers outside h11 (whose state forbids a response before a request) and closes."""
        if self.transport.is_closing():
            return
        body = orjson.dumps({"error": error, "error_description": description})
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + body)
        self.transport.close()


def config(app: Any, host: str, port: int, header_seconds: float, **options: Any) -> uvicorn.Config:
    """Uvicorn's configuration for `mailpulse serve` and the demo, every connection bounded."""
    # No access log: every SendGrid post would be a line; /api/metrics counts them instead.
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        http=functools.partial(HeaderDeadline, seconds=header_seconds),  # type: ignore[arg-type]
        h11_max_incomplete_event_size=HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        limit_concurrency=max(64, open_file_limit() - RESERVED_FILES),
        backlog=BACKLOG,
        **options,
    )


def open_file_limit() -> int:
    """Raises this process's open-file limit to its hard limit (a stock 1,024 would let ~1,000
    stalled connections starve SendGrid), and returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65_536 if hard == resource.RLIM_INFINITY else hard
    if soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):  # a system that caps it lower: keep what it gave
            return soft
    return max(soft, wanted)
