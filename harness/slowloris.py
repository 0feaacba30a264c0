"""Connections that never finish their headers, opened against a real server."""

from __future__ import annotations

import resource
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from harness.floods import batch
from harness.server import Server
from simulator.credentials import Signer

STOCK_FILES = 1_024  # the usual soft open-file limit
PARTIAL = b"POST /api/webhooks/sendgrid HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


@contextmanager
def stock_file_limit() -> Iterator[None]:
    """Processes started inside inherit the usual soft open-file limit, not this machine's."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, STOCK_FILES), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@contextmanager
def stalled(server: Server, count: int) -> Iterator[list[socket.socket]]:
    """`count` connections, each having sent part of its headers and then nothing."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(PARTIAL)
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def answer(sock: socket.socket) -> bytes:
    """What the server sent before closing (b"" if it closed without a word)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def genuine_codes(server: Server, token: str, key: Signer, count: int) -> list[int]:
    """The answers to `count` genuine signed posts, one after another."""
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    codes = []
    with httpx.Client(timeout=10) as http:
        for _ in range(count):
            body = batch("genuine", 10)
            headers = {**auth, **key.headers(body)}
            codes.append(http.post(server.webhook, content=body, headers=headers).status_code)
    return codes
