"""Sending: campaign definitions, send jobs (asked for here, sent by the server's runner)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core import send_campaigns, sends
from core.database import Database
from core.send_campaigns import SendCampaign
from core.send_preview import preview
from core.settings import Settings
from mailpulse.commands.registry import command


@command(creates=True)
def campaigns_create(db: Database, settings: Settings, **definition: Any) -> dict[str, Any]:
    if definition.get("deadline"):
        definition["deadline"] = date.fromisoformat(definition["deadline"])
    campaign = send_campaigns.define(db, SendCampaign(**definition))
    return {"campaign": campaign.name}


@command()
def send_preview(
    db: Database, settings: Settings, campaign: str, segment: str, limit: int | None = None
) -> dict[str, Any]:
    """How many would get it, the first few, and one message as its first recipient reads it."""
    return preview(db, settings, campaign, segment, limit)


@command()
def send_request(
    db: Database,
    settings: Settings,
    campaign: str,
    segment: str,
    requested_by: str,
    limit: int | None = None,
) -> dict[str, Any]:
    send_campaigns.find(db, campaign)
    queued = sends.queue(db, settings, campaign, segment, requested_by, limit)
    return {"job_id": queued.job_id, "recipients": queued.recipients}


@command()
def send_status(db: Database, settings: Settings, job_id: int) -> dict[str, Any]:
    job = sends.job(db, job_id)
    failures = sends.failures(db, job_id) if job["finished_at"] else []
    return {**job, "failures": [{"employee_id": e, "error": m} for e, m in failures]}


@command()
def sends_list(
    db: Database, settings: Settings, campaign: str, employee: str | None = None
) -> dict[str, Any]:
    if employee is not None:
        return {"campaign": campaign, "employee_id": employee,
                "mails": sends.mails(db, campaign, employee)}  # fmt: skip
    keys = ("job_id", "segment", "requested_by", "created_at", "finished_at", "counts")
    return {"campaign": campaign,
            "jobs": [{k: job[k] for k in keys} for job in sends.jobs(db, campaign)]}  # fmt: skip
