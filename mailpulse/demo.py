"""`mailpulse demo`: a synthetic company in a demo database, served while SendGrid is simulated."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from core import clients, keys, roster, sources
from core.database import Database, DatabaseBusy
from core.errors import UserError
from core.settings import Settings
from mailpulse import connections
from mailpulse.server import Server, build, local_url
from simulator.company import Company, build_company, roster_csv
from simulator.credentials import Signer
from simulator.report import describe, summary
from simulator.sendgrid import Options, SendGrid
from simulator.simulation import Progress, Simulation
from simulator.story import Campaign, Fields
from simulator.survey_tool import Finished, SurveyTool
from simulator.timeline import (
    DEFAULT_SPEED,
    Completion,
    build_timeline,
    default_story_start,
)

DEMO_DB = Path("data/demo.duckdb")
CLIENT_NAME = "demo-sendgrid"
SURVEY_SOURCE = "demo-survey"  # the simulated survey tool posts completions through it
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
        raise UserError(f"The demo never writes MAILPULSE_DB ({settings.db}); move it aside.")
    _check_port(options.host, options.port)
    signer = Signer()
    demo = demo_settings(settings, options.db, signer)
    company = build_company(options.employees, options.seed)
    report(f"Building {_company_text(company)} in {options.db} (MAILPULSE_DB is not touched).")
    client = prepare_database(demo, company)
    url = local_url(options.host, options.port)
    live = _Live(demo, company, client, signer, options, url, report)
    server = Server(
        connections.config(
            build(demo, options.host, options.port),
            options.host,
            options.port,
            demo.header_timeout_seconds,
            log_level="warning",  # the demo reports its own progress
        ),
        on_ready=lambda: report(ready_text(url, options.db)),
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


def ready_text(url: str, db: Path) -> str:
    return (
        f"Dashboard: {url}/   receiver: {url}/api   (Ctrl-C stops)\n"
        f"The CLI reads this demo with MAILPULSE_DB={db}, for example:\n"
        f"  MAILPULSE_DB={db} mailpulse funnel --campaign {Campaign().name}"
    )


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
        roster.import_roster(db, roster_csv(company))
        new = clients.create(db, CLIENT_NAME)
        tool = sources.create(db, SURVEY_SOURCE, "standard", campaign=Campaign().name)
        return {"client_id": new.client_id, "client_secret": new.client_secret,
                "survey_secret": tool.secret or ""}  # fmt: skip
    finally:
        db.close()


def _remove_previous(db: Path) -> None:
    try:
        Database(db).close()  # refuses when another demo holds the file
    except DatabaseBusy:
        raise UserError(
            f"{db} is held by another running `mailpulse demo`: stop it first."
        ) from None
    for path in (db, db.with_name(db.name + ".wal"), db.with_name(db.name + ".admin")):
        path.unlink(missing_ok=True)


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise UserError(f"Port {port} on {host} is in use; pick another with --port.") from None


def _company_text(company: Company) -> str:
    locations = {e.location.name for e in company.employees}
    return (
        f"a company of {len(company.employees):,} employees ({len(company.departments)} "
        f"departments, {len(locations)} locations)"
    )


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
        tool = SurveyTool(
            f"{self.url}/api/webhooks/completions/{SURVEY_SOURCE}", self.client["survey_secret"]
        )
        key = keys.secret_key(self.settings.db)
        return Simulation(timeline, sendgrid, lambda c, done: post_completions(tool, key, c, done))


def post_completions(tool: SurveyTool, key: bytes, campaign: str, done: list[Completion]) -> None:
    """Survey completions, posted by the simulated survey tool as signed webhooks, each with the
    survey token the invitation's link carried."""
    for c in done:
        token = keys.survey_token(key, campaign, c.employee_id)
        tool.post(Finished(f"msg_{campaign}_{c.employee_id}", token, c.completed_at))
