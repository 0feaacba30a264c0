"""`purge` and `forget`: retention now, and one person erased everywhere."""

from __future__ import annotations

from typing import Any

from core import retention
from core.database import Database
from core.settings import Settings
from mailpulse.commands.registry import command


@command()
def purge(db: Database, settings: Settings, campaign: str, actor: str) -> dict[str, Any]:
    fields = (settings.campaign_field, settings.employee_field)
    return retention.purge(db, campaign, fields, settings.bot_click_seconds, actor)


@command()
def forget(
    db: Database, settings: Settings, actor: str, employee: str | None = None,
    email: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    fields = (settings.campaign_field, settings.employee_field)
    return retention.forget(db, employee, email, fields, actor)
