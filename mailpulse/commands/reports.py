"""What the CLI reads: campaigns, a campaign's funnel, a segment's reminder CSV."""

from __future__ import annotations

from typing import Any

from core import audit, funnel, reminders
from core.database import Database
from core.funnel import require_campaign
from core.settings import Settings
from mailpulse.commands.registry import command


@command()
def campaigns_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    frame = funnel.campaigns(db)
    for column in ("first_event_at", "last_event_at"):
        frame[column] = frame[column].map(lambda t: t.isoformat())
    return frame.to_dict(orient="records")


@command()
def funnel_report(db: Database, settings: Settings, campaign: str) -> dict[str, Any]:
    require_campaign(db, campaign)
    frame = funnel.funnel(db, campaign, settings.bot_click_seconds)
    return {
        "campaign": campaign,
        "stages": funnel.stage_counts(frame),
        "flags": funnel.flag_counts(frame),
        "not_on_roster": funnel.not_on_roster_counts(frame),
    }


@command()
def reminders_export(
    db: Database, settings: Settings, campaign: str, segment: str, actor: str = "cli"
) -> dict[str, Any]:
    """The CSV as text (JSON carries it through the admin API), with its row count."""
    funnel.check_segment(segment)
    require_campaign(db, campaign)
    chosen = funnel.segment(funnel.funnel(db, campaign, settings.bot_click_seconds), segment)
    data = audit.audited_export(
        db, actor, campaign, segment, len(chosen), lambda: reminders.reminders_csv(chosen)
    )  # an export that cannot be audited is not served
    return {"rows": len(chosen), "csv": data.decode("utf-8")}
