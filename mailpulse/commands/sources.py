"""Completion sources: create (a standard secret is shown once), list, remove."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core import audit, sources
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
    actor: str = "cli",
) -> dict[str, Any]:
    new = sources.create(db, name, kind, campaign, secret)
    audit.record(db, actor, "source_create", campaign=campaign, detail=f"{name} ({kind})")
    return asdict(new)


@command()
def sources_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    return sources.listed(db)


@command()
def sources_remove(
    db: Database, settings: Settings, name: str, actor: str = "cli"
) -> dict[str, str]:
    removed = sources.remove(db, name)
    audit.record(db, actor, "source_remove", detail=removed)
    return {"removed": removed}
