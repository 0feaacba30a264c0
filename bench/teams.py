"""Teams answer time with 1M events stored, and the server's CPU per refused webhook.

    .venv/bin/python -m bench.teams [--events 1000000] [--refusals 2000]

A real `mailpulse serve` process on a preloaded database (campaign `bench`, 20,000 employees in
40 departments). Teams questions are signed as Teams signs them; the refusals are completion
posts with a wrong Standard Webhooks signature and Teams posts with a wrong HMAC, and their cost
is the server's CPU time (user + system, from /proc) divided by the posts.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.dataset import preload
from core import keys, sources
from core.database import Database
from harness.server import Server
from simulator.survey_tool import signed_headers

TOKEN = base64.b64encode(secrets.token_bytes(32)).decode()


def teams_post(http: httpx.Client, url: str, text: str, token: str = TOKEN) -> httpx.Response:
    body = json.dumps({"type": "message", "text": f"<at>mailpulse</at> {text}"}).encode()
    mac = hmac.new(base64.b64decode(token), body, hashlib.sha256).digest()
    headers = {"Authorization": f"HMAC {base64.b64encode(mac).decode()}"}
    return http.post(f"{url}/api/webhooks/teams", content=body, headers=headers, timeout=30)


def answer_times(url: str, question: str, repeats: int = 10) -> tuple[float, list[float]]:
    """The first answer (a cold funnel state) and the following ones, in seconds."""
    times = []
    with httpx.Client() as http:
        for _ in range(repeats + 1):
            started = time.perf_counter()
            response = teams_post(http, url, question)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
    print(f"  {question!r}: {response.json()['text'][:160]!r}")
    return times[0], times[1:]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def refused_cpu_ms(server: Server, posts: list[tuple[str, bytes, dict]], status: int) -> float:
    assert server.process is not None
    with httpx.Client(timeout=30) as http:
        before = cpu_seconds(server.process.pid)
        for url, body, headers in posts:
            assert http.post(url, content=body, headers=headers).status_code == status
        used = cpu_seconds(server.process.pid) - before
    return used / len(posts) * 1000


def forged_completions(url: str, count: int) -> list[tuple[str, bytes, dict]]:
    wrong = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    body = json.dumps({"type": "survey.completed", "data": {"token": "x" * 22}}).encode()
    target = f"{url}/api/webhooks/completions/survey"
    return [(target, body, signed_headers(wrong, f"msg_{n}", body, time.time()))
            for n in range(count)]  # fmt: skip


def accepted_times(server: Server, count: int) -> None:
    """Valid completions by survey token: what a post costs when the tokens are known."""
    db_key = keys.secret_key(Path(server.env["MAILPULSE_DB"]))
    secret = server.env["BENCH_SURVEY_SECRET"]
    url, times = f"{server.url}/api/webhooks/completions/survey", []
    with httpx.Client(timeout=30) as http:
        for n in range(count):
            token = keys.survey_token(db_key, "bench", f"E{n}")
            body = json.dumps({"data": {"token": token}}).encode()
            started = time.perf_counter()
            headers = signed_headers(secret, f"m{n}", body, time.time())
            response = http.post(url, content=body, headers=headers)
            times.append(time.perf_counter() - started)
            assert response.json()["completed"] == 1, response.text
    print(f"Accepted completions: first {times[0] * 1000:.0f} ms (tokens computed), then median "
          f"{statistics.median(times[1:]) * 1000:.1f} ms ({count} posts)")  # fmt: skip


def healthz_cpu_ms(server: Server, count: int) -> float:
    assert server.process is not None
    with httpx.Client(timeout=30) as http:
        before = cpu_seconds(server.process.pid)
        for _ in range(count):
            http.get(f"{server.url}/api/healthz")
        used = cpu_seconds(server.process.pid) - before
    return used / count * 1000


def unknown_source(url: str, count: int) -> list[tuple[str, bytes, dict]]:
    body = b'{"data": {}}'
    return [(f"{url}/api/webhooks/completions/nope", body, {})] * count


def forged_teams(url: str, count: int) -> list[tuple[str, bytes, dict]]:
    body = json.dumps({"type": "message", "text": "<at>mailpulse</at> status"}).encode()
    headers = {"Authorization": f"HMAC {base64.b64encode(secrets.token_bytes(32)).decode()}"}
    return [(f"{url}/api/webhooks/teams", body, headers)] * count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--refusals", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp))
        started = time.perf_counter()
        preload(Path(server.env["MAILPULSE_DB"]), args.events)
        db = Database(Path(server.env["MAILPULSE_DB"]))
        new = sources.create(db, "survey", "standard", campaign="bench")
        server.env["BENCH_SURVEY_SECRET"] = new.secret or ""
        db.close()
        print(f"Preloaded {args.events:,} events in {time.perf_counter() - started:.0f} s.")
        server.env["MAILPULSE_TEAMS_OUTGOING_TOKEN"] = TOKEN
        server.start()
        try:
            report(server, args)
        finally:
            server.stop()


def report(server: Server, args: argparse.Namespace) -> None:
    for question in ("status bench", "team Dept 7 bench", "status"):
        cold, warm = answer_times(server.url, question)
        median, slowest = statistics.median(warm) * 1000, max(warm) * 1000
        print(f"Teams {question!r}: first {cold * 1000:.0f} ms, then median {median:.0f} ms, "
              f"max {slowest:.0f} ms")  # fmt: skip
    accepted_times(server, 200)
    n = args.refusals
    posts = {
        "completion (bad signature)": (forged_completions(server.url, n), 401),
        "Teams (bad HMAC)": (forged_teams(server.url, n), 401),
        "unknown completion source (404)": (unknown_source(server.url, n), 404),
        "for scale: GET /api/healthz": (None, 200),
    }
    for name, (batch, status) in posts.items():
        cost = refused_cpu_ms(server, batch, status) if batch else healthz_cpu_ms(server, n)
        print(f"{name}: {cost:.3f} ms of server CPU each ({n:,} requests)")


if __name__ == "__main__":
    main()
