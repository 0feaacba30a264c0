"""Campaigns defined to be sent: subject, survey URL, the invitation and the reminder texts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import duckdb

from core import messages, sql
from core.database import Database
from core.errors import UserError

TOKEN = "{token}"


@dataclass(frozen=True)
class SendCampaign:
    name: str
    subject: str
    survey_url: str
    body: str | None = None  # a jinja2 template; None when `template_id` is set
    body_html: bool = False
    template_id: str | None = None
    reminder_subject: str | None = None
    reminder_body: str | None = None
    reminder_html: bool = False
    deadline: date | None = None


def define(db: Database, campaign: SendCampaign) -> SendCampaign:
    """Checks the definition whole (templates compile, the URL has its token), then stores it."""
    check(campaign)
    try:
        db.write(lambda con: _insert(con, campaign))
    except duckdb.ConstraintException:
        raise UserError(f"The campaign {campaign.name!r} is defined already.") from None
    return campaign


def check(campaign: SendCampaign) -> None:
    if not campaign.name.strip() or not campaign.subject.strip():
        raise UserError("A campaign to send needs a name and a subject.")
    if TOKEN not in campaign.survey_url or not campaign.survey_url.startswith("https://"):
        raise UserError(
            f"The survey URL must start with https:// and hold {TOKEN}, where each "
            "recipient's survey token goes."
        )
    if (campaign.body is None) == (campaign.template_id is None):
        raise UserError("Give the invitation either a body file or a SendGrid template id.")
    if campaign.template_id is not None and not campaign.template_id.startswith("d-"):
        raise UserError("A SendGrid dynamic template id starts with d-.")
    for text in (
        campaign.subject,
        campaign.body,
        campaign.reminder_subject,
        campaign.reminder_body,
    ):
        if text is not None:
            messages.check_template(text)


def find(db: Database, name: str) -> SendCampaign:
    rows = db.rows("send_campaign", name=name)
    if not rows:
        raise UserError(
            f"The campaign {name!r} is not defined for sending: define it with "
            "`mailpulse campaigns create`."
        )
    return SendCampaign(*rows[0])


def names(db: Database) -> list[str]:
    return [name for (name,) in db.rows("send_campaign_names")]


def _insert(con: duckdb.DuckDBPyConnection, campaign: SendCampaign) -> None:
    con.execute(sql.text("insert_send_campaign"), dataclasses.asdict(campaign))
