"""The soak's "attacks" section: what an anonymous or hostile client costs a real server.

Each figure is measured on its own fresh `mailpulse serve`; the peak resident memory is the
kernel's high-water mark, reset (`/proc/PID/clear_refs`) just before the attack.
"""

from __future__ import annotations

import json
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.machine import machine, peak_rss_mb
from harness.server import Server, rss_mb
from harness.slowloris import genuine_codes, stalled, stock_file_limit
from mailpulse.connections import open_file_limit
from mailpulse.remote import SECRET_HEADER
from simulator.credentials import Signer

MIB = 1024 * 1024
BIG_BODY = 64 * MIB
SENDERS = 8  # per endpoint
STALLED = 1_100
TINY_ELEMENTS = 4_194_303  # `[0,0,...]` filling the 8 MiB body limit
REPLAYS = 30


def run() -> None:
    print(f"attacks ({machine()}):")
    for attack in (big_bodies, slowloris, tiny_elements, revoke_race, replays):
        with tempfile.TemporaryDirectory() as tmp:
            key, server = Signer(), Server(Path(tmp))
            server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = key.public_key
            server.start()
            try:
                print(f"  {attack(server, key)}")
            finally:
                server.stop()


def reset_peak(server: Server) -> float:
    """Resets the server's high-water mark to its resident memory now, which it returns."""
    Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")
    return rss_mb(server.process.pid)


def big_bodies(server: Server, _: Signer) -> str:
    admin = json.loads(Path(server.env["MAILPULSE_DB"] + ".admin").read_text())
    targets = [("/api/oauth/token", {}), ("/api/admin/commands/roster_import",
                                          {SECRET_HEADER: "a guess"})]  # fmt: skip
    assert admin["secret"] != "a guess"
    idle = reset_peak(server)
    jobs = [(path, headers, chunked) for path, headers in targets for chunked in (False, True)
            for _ in range(SENDERS // 2)]  # fmt: skip
    with ThreadPoolExecutor(len(jobs)) as pool:
        answers = list(pool.map(lambda job: send_big(server, *job), jobs))
    peak = peak_rss_mb(server.process.pid) - idle
    return (f"{SENDERS} concurrent unauthenticated 64 MiB bodies each to the token and admin "
            f"endpoints (half chunked): peak RSS {peak:+.0f} MB above idle ({idle:.0f} MB; "
            f"target < 150 MB); answers {sorted(set(answers))}")  # fmt: skip


def send_big(server: Server, path: str, headers: dict[str, str], chunked: bool) -> str:
    """Streams 64 MiB at `path` until the server answers or closes; its status line."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BIG_BODY}"
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{extra}{framing}\r\n\r\n")  # fmt: skip
    chunk = b"x" * MIB
    if chunked:
        chunk = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head.encode())
        try:
            for _ in range(BIG_BODY // MIB):
                sock.sendall(chunk)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: what it said is still to be read
        try:
            return sock.recv(200).split(b"\r\n")[0].decode().removeprefix("HTTP/1.1 ")
        except OSError as exc:
            return f"closed ({exc.__class__.__name__})"


def slowloris(server: Server, key: Signer) -> str:
    server.stop()
    with stock_file_limit():
        server.start()  # with the usual 1,024 files, fewer than the stalled connections
    open_file_limit()  # this process holds the stalled ends
    token = server.token()
    with stalled(server, STALLED):
        started = time.perf_counter()
        codes = genuine_codes(server, token, key, 100)
        seconds = time.perf_counter() - started
    return (
        f"{codes.count(200)} of {len(codes)} genuine signed posts answered 200 while "
        f"{STALLED:,} stalled connections were open, the server started with the usual "
        f"1,024 open files (target: all), in {seconds:.1f} s"
    )


def tiny_elements(server: Server, key: Signer) -> str:
    token = server.token()
    body = b"[" + b",".join([b"0"] * TINY_ELEMENTS) + b"]"
    idle = reset_peak(server)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               **key.headers(body)}  # fmt: skip
    started = time.perf_counter()
    response = httpx.post(server.webhook, content=body, headers=headers, timeout=300)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb(server.process.pid)
    return (f"a {len(body) / MIB:.0f} MiB body of {TINY_ELEMENTS:,} elements: answered "
            f"{response.status_code} in {seconds:.1f} s (target < 15 s), peak RSS {peak:,.0f} MB "
            f"(idle {idle:.0f} MB; target < 1.5 GB)")  # fmt: skip


def revoke_race(server: Server, _: Signer) -> str:
    creds = json.loads(server.cli("clients", "create", "hammered", "--json").stdout)
    stop, fetched = threading.Event(), []

    def hammer() -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                response = http.post(f"{server.url}/api/oauth/token",
                                     data={"grant_type": "client_credentials"},
                                     auth=(creds["client_id"], creds["client_secret"]))  # fmt: skip
                if response.status_code == 200:
                    fetched.append(response.json()["access_token"])

    hammering = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in hammering:
        thread.start()
    time.sleep(1)
    server.cli("clients", "revoke", "hammered")
    time.sleep(1)
    stop.set()
    for thread in hammering:
        thread.join()
    survivors = sum(server.post(token, b"[]").status_code == 200 for token in fetched)
    return (
        f"{survivors} of {len(fetched):,} tokens fetched by a hammering client survive its "
        f"revoke (target 0)"
    )


def replays(server: Server, key: Signer) -> str:
    token = server.token()
    event = {
        "event": "delivered",
        "email": "p@corp.example",
        "campaign": "replay",
        "timestamp": int(time.time()),
        "sg_message_id": "m.filter",
        "pad": "x" * 900,
    }
    body = json.dumps([{**event, "sg_event_id": f"r{i}"} for i in range(1000)]).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               **key.headers(body)}  # fmt: skip
    first = httpx.post(server.webhook, content=body, headers=headers, timeout=30).json()
    before = disk_mb(server)
    answers = [httpx.post(server.webhook, content=body, headers=headers, timeout=30).json()
               for _ in range(REPLAYS)]  # fmt: skip
    growth = disk_mb(server) - before
    same = sum(answer == first for answer in answers)
    return (
        f"{REPLAYS} replays of a {len(body) / MIB:.1f} MB signed post: disk {growth:+.2f} MB "
        f"(target < 10 MB); {same} of {REPLAYS} answered as the first"
    )


def disk_mb(server: Server) -> float:
    folder = Path(server.env["MAILPULSE_DB"]).parent
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / MIB
