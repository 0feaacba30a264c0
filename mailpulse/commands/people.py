"""Dashboard users and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core import audit, users
from core.database import Database
from core.errors import UserError
from core.settings import Settings
from mailpulse.commands.registry import command


@command(creates=True)
def users_add(
    db: Database, settings: Settings, email: str, role: str, actor: str, password: str | None = None
) -> dict[str, str]:
    return users.add(db, email, role, password, actor)


@command()
def users_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    return users.listed(db)


@command()
def users_remove(db: Database, settings: Settings, email: str, actor: str) -> dict[str, str]:
    return users.remove(db, email, actor)


@command()
def audit_list(db: Database, settings: Settings, since: str | None = None) -> list[dict[str, Any]]:
    try:
        moment = datetime.fromisoformat(since) if since else None
    except ValueError:
        raise UserError(f"--since {since!r} is not an ISO 8601 time.") from None
    return audit.since(db, moment)
