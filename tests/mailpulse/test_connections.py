"""A real server process against real sockets: stalled headers are cut off, huge headers refused,
and genuine signed posts answered while a thousand stalled connections are open."""

from __future__ import annotations

import resource
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.server import Server
from harness.slowloris import PARTIAL, answer, genuine_codes, stalled, stock_file_limit
from mailpulse.connections import HEADER_BYTES, open_file_limit
from simulator.credentials import Signer

HEADER_SECONDS = 2
STALLED = 1_100


@pytest.fixture
def key() -> Signer:
    return Signer()


@pytest.fixture
def server(tmp_path: Path, key: Signer) -> Iterator[Server]:
    running = Server(tmp_path)
    running.env["MAILPULSE_HEADER_TIMEOUT_SECONDS"] = str(HEADER_SECONDS)
    running.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = key.public_key
    with stock_file_limit():
        running.start()  # fewer files than STALLED connections, until it raises its limit
    yield running
    running.stop()


def connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=HEADER_SECONDS + 5)


def test_headers_that_never_finish_are_answered_408_and_closed(server: Server) -> None:
    with connect(server) as sock:
        sock.sendall(PARTIAL)
        started = time.monotonic()
        received = answer(sock)
    assert received.startswith(b"HTTP/1.1 408 ")
    assert b"request_timeout" in received
    assert HEADER_SECONDS - 0.5 < time.monotonic() - started < HEADER_SECONDS + 2


def test_a_connection_that_sends_nothing_is_closed_too(server: Server) -> None:
    with connect(server) as sock:
        assert answer(sock).startswith(b"HTTP/1.1 408 ")


def test_headers_far_larger_than_the_cap_are_refused(server: Server) -> None:
    """h11 checks the cap while the headers are incomplete: they come in pieces, as slowly sent."""
    with connect(server) as sock:
        sock.sendall(PARTIAL)
        for _ in range(4 * HEADER_BYTES // 4096):  # until the server answers
            if select.select([sock], [], [], 0.01)[0]:
                break
            sock.sendall(b"x" * 4096)
        received = answer(sock)
    assert received.startswith(b"HTTP/1.1 431 ")
    assert b"headers_too_large" in received


def test_signed_posts_are_answered_while_a_thousand_stalled_connections_are_open(
    server: Server, key: Signer
) -> None:
    open_file_limit()  # this process holds the stalled ends
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 2 * STALLED + 500:
        pytest.fail("This machine's open-file limit is too low to hold the stalled connections.")
    token = server.token()
    with stalled(server, STALLED) as sockets:
        assert genuine_codes(server, token, key, 20) == [200] * 20
        assert answer(sockets[0]).startswith(b"HTTP/1.1 408 ")  # and they are cut off in time


def status_line(server: Server, request: bytes) -> bytes:
    with connect(server) as sock:
        sock.sendall(request)
        return sock.recv(4096).split(b"\r\n")[0]


def test_the_dashboard_refuses_a_body_larger_than_an_upload_before_reading_it(
    server: Server,
) -> None:
    declared = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 67108864\r\n\r\n"
    assert status_line(server, declared).startswith(b"HTTP/1.1 413 ")


def test_the_api_keeps_its_own_limits_beside_the_dashboards(server: Server) -> None:
    """The admin API takes a roster larger than an upload, once its caller is known."""
    declared = (b"POST /api/admin/commands/roster_import HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Length: 40000000\r\n\r\n")  # fmt: skip
    assert status_line(server, declared).startswith(b"HTTP/1.1 403 ")
