"""Completion sources: create (a standard secret is shown once), list, remove."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core import sources
from core.database import Database
from core.settings import Settings
from mailpulse.commands.registry import command


@command(creates=True)
def sources_create(
    db: Database,
    settings: Settings,
    name: str,
    kind: str,
    campaign: str | None = None,
    secret: str | None = None,
) -> dict[str, Any]:
    return asdict(sources.create(db, name, kind, campaign, secret))


@command()
def sources_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    return sources.listed(db)


@command()
def sources_remove(db: Database, settings: Settings, name: str) -> dict[str, str]:
    return {"removed": sources.remove(db, name)}
