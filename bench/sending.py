"""Sending invitations through a real `mailpulse serve` against the fake Mail Send API.

    python -m bench.sending                          # 100,000 invitations, 3 runs (medians)
    python -m bench.sending --employees 20000 --runs 1   # a quick look

Each run: a fresh database with the roster preloaded, the fake API in a process of its own, a
server, `mailpulse campaigns create`, then `mailpulse send --segment not_sent` as a user runs it.
Then the same beside signed ingest (paced 1000-event posts): ingest p50/p99 alone, and while the
send runs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.load import bodies, quantile
from bench.machine import machine, peak_rss_mb
from core.database import Database
from harness.server import Server
from simulator.credentials import Signer
from simulator.mailsend import FakeMailSend

HERE = Path(__file__).parent
TARGET_SECONDS, TARGET_P99_RATIO = 60.0, 2.0
CAMPAIGN = "bench-invite"


@dataclass(frozen=True)
class Send:
    recipients: int  # accepted
    requests: int  # made to the fake API (its own count)
    queue_to_handed: float  # the job's first `queued` to its last `accepted`, from the database
    command_seconds: float  # `mailpulse send` as the user waits for it, start to summary
    peak_rss_mb: float  # the server's high-water mark

    @property
    def rate(self) -> float:
        return self.recipients / self.queue_to_handed if self.queue_to_handed else 0.0


@dataclass(frozen=True)
class Beside:
    send: Send
    alone: list[float]  # ingest latencies, seconds, without a send
    during: list[float]  # while the send ran


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000, help="roster size: invitations")
    parser.add_argument("--runs", type=int, default=3, help="runs of each; medians are quoted")
    parser.add_argument("--ingest-clients", type=int, default=2, help="paced posting clients")
    parser.add_argument("--ingest-interval", type=float, default=0.5,
                        help="seconds between one client's 1000-event posts")  # fmt: skip
    args = parser.parse_args()

    print(machine(), f"command: python -m bench.sending {' '.join(sys.argv[1:])}".strip(), sep="\n")
    for line in section(args.employees, args.runs, args.ingest_clients, args.ingest_interval):
        print(line, flush=True)


def section(employees: int, runs: int, clients: int = 2, interval: float = 0.5) -> list[str]:
    """The lines bench.run prints: each run, then the medians against the targets."""
    lines = [f"\nsending {employees:,} invitations ({runs} runs of each; medians quoted)",
             "| run | beside | recipients | requests | queue → handed s | recipients/s "
             "| `send` command s | server peak RSS MB | ingest p50 ms | ingest p99 ms |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    alone, beside = [], []
    for n in range(1, runs + 1):
        alone.append(run_send(employees))
        lines.append(_row(n, "nothing", alone[-1], None))
        beside.append(run_beside_ingest(employees, clients, interval))
        lines.append(_row(n, "ingest", beside[-1].send, beside[-1].during))
    p50_alone = _median(quantile(b.alone, 50) for b in beside)
    p99_alone = _median(quantile(b.alone, 99) for b in beside)
    p50_during = _median(quantile(b.during, 50) for b in beside)
    p99_during = _median(quantile(b.during, 99) for b in beside)
    seconds = _median(s.queue_to_handed for s in alone)
    beside_seconds = _median(b.send.queue_to_handed for b in beside)
    ratio = p99_during / p99_alone if p99_alone else 0.0
    lines += [
        f"\nmedian, send alone: {employees:,} in {seconds:.1f} s queue → handed "
        f"({employees / seconds:,.0f} recipients/s), {_median(s.requests for s in alone):.0f} "
        f"requests, `send` {_median(s.command_seconds for s in alone):.1f} s, server peak RSS "
        f"{_median(s.peak_rss_mb for s in alone):,.0f} MB (target: < {TARGET_SECONDS:.0f} s: "
        f"{'met' if seconds < TARGET_SECONDS else 'MISSED'})",
        f"median, send beside ingest: {beside_seconds:.1f} s queue → handed "
        f"({employees / beside_seconds:,.0f} recipients/s)",
        f"median ingest ({clients} clients, a 1000-event post every {interval:g} s each): p50 "
        f"{p50_alone * 1000:.0f} → {p50_during * 1000:.0f} ms, p99 {p99_alone * 1000:.0f} → "
        f"{p99_during * 1000:.0f} ms while sending, {ratio:.2f}x (target: p99 within "
        f"{TARGET_P99_RATIO:g}x: {'met' if ratio <= TARGET_P99_RATIO else 'MISSED'})",
    ]
    return lines


def _row(n: int, beside: str, send: Send, latencies: list[float] | None) -> str:
    ingest = (f"{quantile(latencies, 50) * 1000:.0f} | {quantile(latencies, 99) * 1000:.0f}"
              if latencies else "- | -")  # fmt: skip
    return (f"| {n} | {beside} | {send.recipients:,} | {send.requests:,} "
            f"| {send.queue_to_handed:.1f} | {send.rate:,.0f} | {send.command_seconds:.1f} "
            f"| {send.peak_rss_mb:,.0f} | {ingest} |")  # fmt: skip


def run_send(employees: int) -> Send:
    with tempfile.TemporaryDirectory() as tmp, _FakeApi() as fake:
        server = _server(Path(tmp), employees, fake, Signer())
        try:
            return _send(server, fake, employees)
        finally:
            server.stop()


def run_beside_ingest(employees: int, clients: int, interval: float) -> Beside:
    signer = Signer()
    with tempfile.TemporaryDirectory() as tmp, _FakeApi() as fake:
        server = _server(Path(tmp), employees, fake, signer)
        try:
            ingest = _PacedIngest(server.webhook, server.token(), signer, clients, interval)
            ingest.start()
            time.sleep(max(3.0, 4 * interval))
            alone = ingest.measure(15.0)
            ingest.mark()
            send = _send(server, fake, employees, before_stop=ingest.stop)
            during = ingest.since_mark()
            return Beside(send, alone, during)
        finally:
            server.stop()


def _server(tmp: Path, employees: int, fake: _FakeApi, signer: Signer) -> Server:
    server = Server(tmp)
    server.env |= {"MAILPULSE_SENDGRID_API_URL": fake.url,
                   "MAILPULSE_SENDGRID_API_KEY": fake.api_key,
                   "MAILPULSE_FROM_EMAIL": "hr@corp.example",
                   "MAILPULSE_SENDGRID_PUBLIC_KEYS": signer.public_key}  # fmt: skip
    database = Database(Path(server.env["MAILPULSE_DB"]))
    roster = (HERE / "preload_roster.sql").read_text()
    database.write(lambda con: con.execute(roster, {"employees": employees}))
    database.close()
    server.start()
    body = tmp / "invite.html"
    body.write_text("<p>Dear {{ first_name }},</p><p><a href='{{ survey_link }}'>Your say</a>"
                    " by {{ deadline }}.</p>")  # fmt: skip
    created = server.cli("campaigns", "create", CAMPAIGN, "--subject", "Your say, {{ first_name }}",
                         "--survey-url", "https://survey.corp.example/s?t={token}", "--body",
                         str(body), "--deadline", "2026-12-31")  # fmt: skip
    if created.returncode:
        raise SystemExit(f"campaigns create failed: {created.stderr}")
    return server


def _send(
    server: Server, fake: _FakeApi, employees: int, before_stop: Callable[[], None] = lambda: None
) -> Send:
    started = time.perf_counter()
    sent = server.cli("send", "--campaign", CAMPAIGN, "--segment", "not_sent")
    command_seconds = time.perf_counter() - started
    if sent.returncode:
        raise SystemExit(f"mailpulse send failed: {sent.stdout}{sent.stderr}")
    peak = peak_rss_mb(server.process.pid)
    requests = fake.requests()
    before_stop()  # the ingest beside it ends before its server does
    server.stop()  # the database is read once its owner is gone
    database = Database(Path(server.env["MAILPULSE_DB"]), create=False)
    try:
        with database.cursor() as cur:
            accepted, first, last = cur.execute(
                "SELECT count(*) FILTER (state = 'accepted'), "
                "epoch(min(queued_at)), epoch(max(accepted_at)) FROM sends"
            ).fetchone()  # a measurement, not the product's SQL
    finally:
        database.close()
    if accepted != employees:
        raise SystemExit(f"{accepted:,} of {employees:,} accepted: {sent.stdout[-2000:]}")
    return Send(accepted, requests, last - first, command_seconds, peak)


class _PacedIngest:
    """Signed 1000-event posts, each client one every `interval` seconds, latencies kept."""

    def __init__(self, url: str, token: str, signer: Signer, clients: int, interval: float) -> None:
        self.url, self.token, self.signer, self.interval = url, token, signer, interval
        self.latencies: list[tuple[float, float]] = []  # (started, seconds)
        self._stop = threading.Event()
        self._mark = 0.0
        self._threads = [threading.Thread(target=self._post, args=(n,), daemon=True)
                         for n in range(clients)]  # fmt: skip

    def start(self) -> None:
        for n, thread in enumerate(self._threads):
            thread.start()
            time.sleep(self.interval / len(self._threads) * (n < len(self._threads) - 1))

    def measure(self, seconds: float) -> list[float]:
        since = time.perf_counter()
        time.sleep(seconds)
        return [s for at, s in list(self.latencies) if at >= since]

    def mark(self) -> None:
        self._mark = time.perf_counter()

    def since_mark(self) -> list[float]:
        return [s for at, s in list(self.latencies) if at >= self._mark]

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _post(self, n: int) -> None:
        with httpx.Client(timeout=60) as http:
            next_at = time.perf_counter()
            while not self._stop.is_set():
                body = bodies(1, 1000, 100_000)[0]
                headers = {"Authorization": f"Bearer {self.token}",
                           "Content-Type": "application/json"}  # fmt: skip
                headers |= self.signer.headers(body)
                started = time.perf_counter()
                response = http.post(self.url, content=body, headers=headers)
                self.latencies.append((started, time.perf_counter() - started))
                response.raise_for_status()
                next_at += self.interval
                self._stop.wait(max(next_at - time.perf_counter(), 0.0))


class _FakeApi:
    """The fake Mail Send API in a process of its own, as SendGrid is on another machine."""

    def __enter__(self) -> _FakeApi:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve_fake, args=(child,), daemon=True)
        self._process.start()
        self.url, self.api_key = self._pipe.recv()
        return self

    def requests(self) -> int:
        self._pipe.send("requests")
        return self._pipe.recv()

    def __exit__(self, *exc: object) -> None:
        self._pipe.send("stop")
        self._process.join(10)


def _serve_fake(pipe: multiprocessing.connection.Connection) -> None:
    fake = FakeMailSend(keep=False)  # 100k personalizations stay out of memory
    pipe.send((fake.start(), fake.api_key))
    while (asked := pipe.recv()) != "stop":
        if asked == "requests":
            pipe.send(fake.requests)
    fake.stop()


def _median(values) -> float:  # noqa: ANN001
    return statistics.median(list(values))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
