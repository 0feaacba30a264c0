"""`mailpulse demo`: a synthetic company in a demo database, served while SendGrid is simulated.

The whole loop runs: the product's own send job (in this server process) mails the invitation
through a fake Mail Send API, whose Event Webhook posts back what each recipient does with what
was actually sent; reminders sent during the demo (the Reminders page, `mailpulse send`) are
read the same way. The invitation went out days ago (`simulator.campaign_feed.CampaignClock`):
the story until now arrives at start at its own timestamps, the rest as it happens.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from core import clients, keys, roster, send_campaigns, sends, sources
from core.database import Database, DatabaseBusy
from core.errors import UserError
from core.send_campaigns import SendCampaign
from core.send_runner import JOB_FINISHED
from core.settings import Settings
from mailpulse import connections
from mailpulse.server import Server, build, local_url
from simulator.campaign_feed import CampaignClock, CampaignFeed
from simulator.company import Company, build_company, roster_csv
from simulator.credentials import Signer
from simulator.mailsend import FakeMailSend
from simulator.report import describe, summary
from simulator.sendgrid import Options, SendGrid
from simulator.simulation import Progress, Simulation
from simulator.story import Campaign, Fields
from simulator.survey_tool import Finished, SurveyTool
from simulator.timeline import Completion

DEMO_DB = Path("data/demo.duckdb")
CLIENT_NAME = "demo-sendgrid"
SURVEY_SOURCE = "demo-survey"  # the simulated survey tool posts completions through it
TOKEN_TTL_SECONDS = 300  # short, so a few minutes of demo show SendGrid fetching a new token
REPORT_SECONDS = 5.0
QUIET_SECONDS = 60.0  # with nothing new, a line a minute
READY_TIMEOUT_SECONDS = 60
DEFAULT_SPEED = 1.0  # after the story's past, real time
PAST_HOURS = 30  # the invitation went out at least this long ago, on a weekday at 07:00 UTC
COOLDOWN_HOURS = 24  # so HR may remind everyone the invitation reached at once
DEADLINE_DAYS = 14
SENDER = "hr@corp.example"
ASM_GROUP_ID = 4123  # the unsubscribe group the invitation names
SURVEY_URL = "https://survey.corp.example/s/{campaign}?t={{token}}"
INVITATION = """Hello {{ first_name }},

how are things at work? Tell us in ten minutes, anonymously, by {{ deadline }}:
{{ survey_link }}

Thank you, HR
"""
REMINDER = """Hello {{ first_name }},

the engagement survey closes on {{ deadline }}, and your answers count. Ten minutes:
{{ survey_link }}

Thank you, HR
"""
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
    signer, mail_send = Signer(), FakeMailSend()
    demo = demo_settings(settings, options.db, signer, mail_send.start(), mail_send.api_key)
    company = build_company(options.employees, options.seed)
    clock = CampaignClock(invitation_time(datetime.now(UTC)), options.speed)
    report(f"Building {_company_text(company)} in {options.db} (MAILPULSE_DB is not touched).")
    client, invitation = prepare_database(demo, company, clock.now())
    url = local_url(options.host, options.port)
    live = _Live(demo, client, signer, clock, url, report)
    feed = CampaignFeed(company, clock, live.simulation.add, _fields(demo), options.seed)
    mail_send.on_accepted = feed.accepted
    hook = lambda job: live.job_finished(job, invitation)  # noqa: E731
    JOB_FINISHED.append(hook)  # removed below: a later run in this process has its own _Live
    server = Server(
        connections.config(
            build(demo, options.host, options.port, clock=clock.now),
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
        JOB_FINISHED.remove(hook)
        live.stop()
        mail_send.stop()
    return live.last


def ready_text(url: str, db: Path) -> str:
    name = Campaign().name
    return (
        f"Dashboard: {url}/   receiver: {url}/api   (Ctrl-C stops)\n"
        f"The CLI reads this demo with MAILPULSE_DB={db}, for example:\n"
        f"  MAILPULSE_DB={db} mailpulse funnel --campaign {name}\n"
        f"  MAILPULSE_DB={db} mailpulse send --campaign {name} --segment unopened"
    )


def invitation_time(now: datetime) -> datetime:
    """07:00 UTC of the latest weekday at least PAST_HOURS before `now`: Europe at its desk,
    Asia in its afternoon, and a day or more of the campaign behind."""
    day = (now - timedelta(hours=PAST_HOURS)).replace(hour=7, minute=0, second=0, microsecond=0)
    if day > now - timedelta(hours=PAST_HOURS):
        day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def demo_settings(
    settings: Settings, db: Path, signer: Signer, mail_send_url: str, api_key: str
) -> Settings:
    """The user's settings, with the demo's database, its signing key, short tokens and the
    fake Mail Send API."""
    values = settings.model_dump() | {
        "db": db,
        "sendgrid_public_keys": signer.public_key,
        "require_oauth": True,
        "token_ttl_seconds": TOKEN_TTL_SECONDS,
        "sendgrid_api_url": mail_send_url,
        "sendgrid_api_key": api_key,
        "sendgrid_sandbox": False,
        "from_email": SENDER,
        "asm_group_id": ASM_GROUP_ID,
        "reminder_cooldown_hours": COOLDOWN_HOURS,
    }
    return Settings(**values, _env_file=None)


def prepare_database(
    settings: Settings, company: Company, sent_at: datetime
) -> tuple[dict[str, str], int]:
    """A fresh demo file with the roster, an OAuth client, the campaign to send and its
    invitation queued at `sent_at`, before the server opens it; (credentials, the job's id)."""
    _remove_previous(settings.db)
    db = Database(settings.db)
    try:
        roster.import_roster(db, roster_csv(company))
        new = clients.create(db, CLIENT_NAME)
        tool = sources.create(db, SURVEY_SOURCE, "standard", campaign=Campaign().name)
        send_campaigns.define(db, campaign_definition(sent_at))
        job = sends.queue(db, settings, Campaign().name, "not_sent", "demo", now=sent_at)
        return {"client_id": new.client_id, "client_secret": new.client_secret,
                "survey_secret": tool.secret or ""}, job.job_id  # fmt: skip
    finally:
        db.close()


def campaign_definition(sent_at: datetime) -> SendCampaign:
    name = Campaign().name
    return SendCampaign(
        name=name,
        subject="Your say: the engagement survey",
        survey_url=SURVEY_URL.format(campaign=name),
        body=INVITATION,
        reminder_subject="Reminder: the engagement survey",
        reminder_body=REMINDER,
        deadline=(sent_at + timedelta(days=DEADLINE_DAYS)).date(),
    )


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
        client: dict[str, str],
        signer: Signer,
        clock: CampaignClock,
        url: str,
        report: Report,
    ) -> None:
        self.clock, self.url, self.report = clock, url, report
        sendgrid = SendGrid(url, client["client_id"], client["client_secret"], signer, Options())
        tool = SurveyTool(f"{url}/api/webhooks/completions/{SURVEY_SOURCE}",
                          client["survey_secret"])  # fmt: skip
        key = keys.secret_key(settings.db)
        self.simulation = Simulation(sendgrid, lambda done: post_completions(tool, key, done))
        self.last: Progress | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(30)

    def job_finished(self, job: dict[str, Any], invitation: int) -> None:
        """The send runner's hook: the invitation's end starts the live part."""
        if job["job_id"] == invitation:
            self.clock.go_live()
        counts = job["counts"]
        self.report(
            f"Send job {job['job_id']} ({job['segment']}, {job['created_at']}): "
            f"{counts['accepted']:,} accepted by the fake Mail Send API, {counts['failed']:,} "
            "failed; their events follow."
        )

    def _run(self) -> None:
        if not self._wait_until_ready():
            return
        simulation = self.simulation
        simulation.start()
        sendgrid = simulation.sendgrid.options
        self.report(
            f"Simulated SendGrid: {sendgrid.servers} servers post signed batches every "
            f"~{sendgrid.interval:.0f} s; the story before now is posted at once at its own "
            f"times, the rest {_pace(self.clock.speed)}."
        )
        told, reported, reported_at = False, None, 0.0
        while not self._stop.wait(REPORT_SECONDS):
            self.last = simulation.progress()
            if _changed(self.last, reported) or time.monotonic() - reported_at >= QUIET_SECONDS:
                story = datetime.fromtimestamp(self.clock.story(), UTC)
                self.report(describe(self.last, reported, story))
                reported, reported_at = self.last, time.monotonic()
            if self.last.caught_up and self.clock.live and not told:
                told = True
                self.report(
                    f"The campaign until now is posted ({self.last.events_due:,} events since "
                    f"{self.clock.sent_at:%a %H:%M} UTC); "
                    "the rest arrives as it happens."
                )
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


def _changed(now: Progress, before: Progress | None) -> bool:
    if before is None:
        return True
    return (now.events_due, now.completions_recorded, now.sendgrid) != (
        before.events_due,
        before.completions_recorded,
        before.sendgrid,
    )


def _pace(speed: float) -> str:
    return "in real time" if speed == 1 else f"{speed:g}x faster than life"


def _fields(settings: Settings) -> Fields:
    return Fields(settings.campaign_field, settings.employee_field)


def post_completions(tool: SurveyTool, key: bytes, done: list[Completion]) -> None:
    """Survey completions, posted by the simulated survey tool as signed webhooks, each with the
    survey token the invitation's link carried."""
    campaign = Campaign().name
    for c in done:
        token = keys.survey_token(key, campaign, c.employee_id)
        tool.post(Finished(f"msg_{campaign}_{c.employee_id}", token, c.completed_at))
