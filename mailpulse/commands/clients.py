"""OAuth clients: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core import audit, clients
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
    actor: str = "cli",
) -> dict[str, Any]:
    new = clients.create(db, name, role, description, support_email)
    audit.record(db, actor, "client_create", detail=name)
    return asdict(new)


@command()
def clients_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    return clients.listed(db)


@command()
def clients_revoke(
    db: Database, settings: Settings, name_or_id: str, actor: str = "cli"
) -> dict[str, str]:
    revoked = clients.revoke(db, name_or_id)
    audit.record(db, actor, "client_revoke", detail=revoked)
    return {"revoked": revoked}
