"""OAuth clients: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core import clients
from core.database import Database
from core.settings import Settings
from mailpulse.commands.registry import command


@command(creates=True)
def clients_create(
    db: Database,
    settings: Settings,
    name: str,
    role: str = "sendgrid",
    description: str | None = None,
    support_email: str | None = None,
) -> dict[str, Any]:
    return asdict(clients.create(db, name, role, description, support_email))


@command()
def clients_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    return clients.listed(db)


@command()
def clients_revoke(db: Database, settings: Settings, name_or_id: str) -> dict[str, str]:
    return {"revoked": clients.revoke(db, name_or_id)}
