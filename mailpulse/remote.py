"""Running a command where the database is: through a live server's admin API, or in-process."""

from __future__ import annotations

import json
from typing import Any

import httpx

from core.database import Database, DatabaseBusy
from core.errors import UserError
from core.settings import Settings
from mailpulse.commands import COMMANDS

SECRET_HEADER = "X-Mailpulse-Admin-Secret"
TIMEOUT_SECONDS = 600


def run(settings: Settings, name: str, /, **arguments: Any) -> Any:
    server = _live_server(settings)
    if server is not None:
        return _through_server(server, name, arguments)
    command = COMMANDS[name]
    try:
        db = Database(settings.db, create=command.creates)
    except DatabaseBusy:
        raise UserError(
            f"{settings.db} is in use by another process, and no mailpulse server answered "
            f"through {settings.admin_file}."
        ) from None
    try:
        return command.run(db, settings, **arguments)
    finally:
        db.close()


def _live_server(settings: Settings) -> dict[str, str] | None:
    try:
        server = json.loads(settings.admin_file.read_text())
        httpx.get(server["url"].removesuffix("/admin") + "/healthz", timeout=2).raise_for_status()
    except (OSError, ValueError, KeyError, httpx.HTTPError):
        return None  # no file, or a server that died without removing it
    return server


def _through_server(server: dict[str, str], name: str, arguments: dict[str, Any]) -> Any:
    response = httpx.post(
        f"{server['url']}/commands/{name}",
        json=arguments,
        headers={SECRET_HEADER: server["secret"]},
        timeout=TIMEOUT_SECONDS,
    )
    if response.status_code != 200:
        raise UserError(response.json().get("error_description", response.text))
    return response.json()["result"]


def server_for(settings: Settings) -> dict[str, str] | None:
    """The live server holding the database, if one answers."""
    return _live_server(settings)


def call(server: dict[str, str], name: str, /, **arguments: Any) -> Any:
    """One command through that server; httpx.HTTPError when it has gone away."""
    return _through_server(server, name, arguments)
