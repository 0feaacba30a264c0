"""`mailpulse demo`: a synthetic company in a demo database, served while SendGrid is simulated."""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import httpx
import uvicorn

from mailpulse import commands, remote
from mailpulse.commands import CommandError
from mailpulse.database import Database, DatabaseBusy
from mailpulse.server import build, loopback_of
from mailpulse.settings import Settings
from mailpulse.simulator.company import Company, build_company, roster_csv
from mailpulse.simulator.credentials import Signer
from mailpulse.simulator.report import describe, summary
from mailpulse.simulator.sendgrid import Options, SendGrid
from mailpulse.simulator.simulation import Progress, Simulation
from mailpulse.simulator.story import Fields
from mailpulse.simulator.timeline import (
    DEFAULT_SPEED,
    Completion,
    build_timeline,
    default_story_start,
)

DEMO_DB = Path("data/demo.duckdb")
CLIENT_NAME = "demo-sendgrid"
TOKEN_TTL_SECONDS = 300  # short, so a few minutes of demo show SendGrid fetching a new token
REPORT_SECONDS = 5.0
READY_TIMEOUT_SECONDS = 60
Report = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    employees: int = 2000
    host: str = "127.0.0.1"
    port: int = 8501
    speed: float = DEFAULT_SPEED
    seed: int = 2025
    db: Path = DEMO_DB


def run(settings: Settings, options: DemoOptions, report: Report) -> Progress | None:
    """Serves the demo until Ctrl-C; returns what the simulated SendGrid did."""
    if options.db.resolve() == settings.db.resolve():
        raise CommandError(f"The demo never writes MAILPULSE_DB ({settings.db}); move it aside.")
    _check_port(options.host, options.port)
    signer = Signer()
    demo = demo_settings(settings, options.db, signer)
    company = build_company(options.employees, options.seed)
    report(f"Building {_company_text(company)} in {options.db} (MAILPULSE_DB is not touched).")
    client = prepare_database(demo, company)
    url = f"http://{loopback_of(options.host)}:{options.port}"
    report(f"Dashboard: {url}/   receiver: {url}/api   (Ctrl-C stops)")
    live = _Live(demo, company, client, signer, options, url, report)
    server = _Server(
        uvicorn.Config(
            build(demo, options.host, options.port),
            host=options.host,
            port=options.port,
            log_level="warning",
            access_log=False,  # the demo reports its own progress
        ),
        before_exit=live.stop,
    )
    # Streamlit logs every request; the demo's own lines say what is happening instead.
    logging.getLogger("uvicorn.access").addFilter(lambda record: False)
    live.start()
    try:
        server.run()
    finally:
        live.stop()
    return live.last


def demo_settings(settings: Settings, db: Path, signer: Signer) -> Settings:
    """The user's settings, with the demo's database, its signing key and short tokens."""
    values = settings.model_dump() | {
        "db": db,
        "sendgrid_public_keys": signer.public_key,
        "require_oauth": True,
        "token_ttl_seconds": TOKEN_TTL_SECONDS,
    }
    return Settings(**values, _env_file=None)


def prepare_database(settings: Settings, company: Company) -> dict[str, str]:
    """A fresh demo file with the roster and an OAuth client, before the server opens it."""
    _remove_previous(settings.db)
    db = Database(settings.db)
    try:
        import_roster(db, settings, company)
        return commands.clients_create(db, settings, name=CLIENT_NAME)
    finally:
        db.close()


def _remove_previous(db: Path) -> None:
    try:
        Database(db).close()  # refuses when another demo holds the file
    except DatabaseBusy:
        raise CommandError(
            f"{db} is held by another running `mailpulse demo`: stop it first."
        ) from None
    for path in (db, db.with_name(db.name + ".wal"), db.with_name(db.name + ".admin")):
        path.unlink(missing_ok=True)


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise CommandError(
                f"Port {port} on {host} is in use; pick another with --port."
            ) from None


def _company_text(company: Company) -> str:
    locations = {e.location.name for e in company.employees}
    return (
        f"a company of {len(company.employees):,} employees ({len(company.departments)} "
        f"departments, {len(locations)} locations)"
    )


class _Server(uvicorn.Server):
    """Uvicorn that stops the simulation first on Ctrl-C, so no post meets a closing server.

    Unlike uvicorn's own handler it does not raise the signal again after shutting down: that
    re-raised Ctrl-C interrupts Streamlit's lifespan and prints a traceback.
    """

    def __init__(self, config: uvicorn.Config, before_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._before_exit = before_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        threading.Thread(target=self._before_exit, daemon=True).start()
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True  # a second Ctrl-C: stop without waiting for connections
        self.should_exit = True


class _Live:
    """In the background: waits for the server, plays the campaign, reports every few seconds."""

    def __init__(
        self,
        settings: Settings,
        company: Company,
        client: dict[str, str],
        signer: Signer,
        options: DemoOptions,
        url: str,
        report: Report,
    ) -> None:
        self.settings, self.company, self.client, self.signer = settings, company, client, signer
        self.options, self.url, self.report = options, url, report
        self.last: Progress | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(30)

    def _run(self) -> None:
        if not self._wait_until_ready():
            return
        story_start = default_story_start(datetime.now(UTC))
        simulation = self._simulation(story_start)
        simulation.start()
        self.report(
            f"Simulated SendGrid: {simulation.sendgrid.options.servers} servers post signed "
            f"batches every ~{simulation.sendgrid.options.interval:.0f} s; the story runs "
            f"{self.options.speed:g}x faster than life ({len(simulation.timeline.events):,} "
            "events to come)."
        )
        started, told = time.time(), False
        while not self._stop.wait(REPORT_SECONDS):
            self.last, previous = simulation.progress(), self.last
            story = story_start + timedelta(seconds=(time.time() - started) * self.options.speed)
            self.report(describe(self.last, previous, story))
            if self.last.finished and not told:
                told = True
                self.report("Every event of the campaign is posted; the dashboard stays up.")
        simulation.stop()
        self.last = simulation.progress()
        self.report(summary(self.last))

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not self._stop.wait(0.2):
            try:
                if httpx.get(f"{self.url}/api/readyz", timeout=2).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.report("The server did not get ready within a minute; nothing is posted.")
                return False
        return False

    def _simulation(self, story_start: datetime) -> Simulation:
        fields = Fields(self.settings.campaign_field, self.settings.employee_field)
        timeline = build_timeline(
            self.company,
            speed=self.options.speed,
            seed=self.options.seed,
            story_start=story_start,
            fields=fields,
        )
        sendgrid = SendGrid(
            self.url, self.client["client_id"], self.client["client_secret"], self.signer, Options()
        )
        return Simulation(
            timeline, sendgrid, lambda c, done: record_completions(self.settings, c, done)
        )


def import_roster(db: Database, settings: Settings, company: Company) -> None:
    """The synthetic roster, through the roster import HR uses."""
    commands.roster_import(db, settings, text=roster_csv(company))


def record_completions(settings: Settings, campaign: str, done: list[Completion]) -> None:
    """Survey completions, as HR's survey tool would report them, through the running server."""
    lines = ["employee_id,completed_at"]
    lines += [f"{c.employee_id},{_iso(c.completed_at)}" for c in done]
    remote.run(settings, "completions_import", text="\n".join(lines) + "\n", campaign=campaign)


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
