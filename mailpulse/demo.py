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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core import clients, roster, send_campaigns, sends, sources
from core.database import Database, DatabaseBusy
from core.errors import UserError
from core.send_runner import JOB_FINISHED
from core.settings import Settings
from mailpulse import connections
from mailpulse.demo_campaign import campaign_definition, invitation_time
from mailpulse.demo_live import SURVEY_SOURCE, Live, Report
from mailpulse.server import Server, build, local_url
from simulator.campaign_feed import CampaignClock, CampaignFeed
from simulator.company import Company, build_company, roster_csv
from simulator.credentials import Signer
from simulator.mailsend import FakeMailSend
from simulator.simulation import Progress
from simulator.story import Campaign, Fields

DEMO_DB = Path("data/demo.duckdb")
CLIENT_NAME = "demo-sendgrid"
TOKEN_TTL_SECONDS = 300  # short, so a few minutes of demo show SendGrid fetching a new token
DEFAULT_SPEED = 1.0  # after the story's past, real time
SENDER = "hr@corp.example"
ASM_GROUP_ID = 4123  # the unsubscribe group the invitation names
COOLDOWN_HOURS = 24  # so HR may remind everyone the invitation reached at once


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
    live = Live(demo, client, signer, clock, url, report)
    feed = CampaignFeed(company, clock, live.simulation.add, _fields(demo), options.seed)
    mail_send.on_accepted = feed.accepted
    hook = lambda job: live.job_finished(job, invitation)  # noqa: E731
    JOB_FINISHED.append(hook)  # removed below: a later run in this process has its own Live
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


def _fields(settings: Settings) -> Fields:
    return Fields(settings.campaign_field, settings.employee_field)
