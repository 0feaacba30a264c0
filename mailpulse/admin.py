"""The loopback-only admin API that lets CLI commands work beside a running server."""

from __future__ import annotations

import asyncio
import functools
import hmac
import inspect
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from fastapi import APIRouter, Depends, FastAPI, Request

from core.clients import digest
from core.errors import UserError
from core.priority import REPORTS
from mailpulse.commands import COMMANDS
from mailpulse.remote import SECRET_HEADER
from receiver.dependencies import DatabaseDep, SettingsDep
from receiver.errors import ApiError

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
BODY_BYTES = 64 * 1024 * 1024  # a roster import carries the CSV: 100k employees are ~10 MiB
router = APIRouter()


@dataclass(frozen=True)
class AdminAccess:
    """A secret shared through a 0600 file beside the database; the server keeps only its hash."""

    file: Path
    secret_hash: str

    @classmethod
    def publish(cls, file: Path, url: str) -> AdminAccess:
        secret = secrets.token_urlsafe(32)
        file.unlink(missing_ok=True)
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"url": url, "secret": secret, "pid": os.getpid()}, out)
        return cls(file, digest(secret))

    def accepts(self, secret: str) -> bool:
        return hmac.compare_digest(digest(secret), self.secret_hash)

    def withdraw(self) -> None:
        self.file.unlink(missing_ok=True)


def attach(app: FastAPI, access: AdminAccess) -> FastAPI:
    """The receiver's app with the admin API beside its own routes, under the same prefix."""
    app.state.admin = access
    app.state.body_caps["/admin/"] = BODY_BYTES
    app.include_router(router)
    return app


async def _admin_caller(request: Request) -> None:
    admin: AdminAccess | None = request.app.state.admin
    peer = request.client.host if request.client else ""
    if admin is None or peer not in LOOPBACK:
        raise ApiError(403, "forbidden", "The admin API answers only on loopback, to the CLI.")
    if not admin.accepts(request.headers.get(SECRET_HEADER, "")):
        raise ApiError(403, "forbidden", "The admin secret is wrong.")


@router.post(
    "/admin/commands/{name}", dependencies=[Depends(_admin_caller)], include_in_schema=False
)
async def run_command(
    name: str, request: Request, db: DatabaseDep, settings: SettingsDep
) -> dict[str, Any]:
    # Read here, after `_admin_caller`: FastAPI reads a Body() parameter before dependencies.
    arguments = await _arguments(request)
    command = COMMANDS.get(name)
    if command is None:
        raise ApiError(404, "unknown_command", f"There is no command named {name!r}.")
    try:
        inspect.signature(command.run).bind(db, settings, **arguments)
    except TypeError as exc:
        raise ApiError(400, "invalid_request", f"Wrong arguments for {name}: {exc}.") from None
    try:
        report = functools.partial(command.run, db, settings, **arguments)
        result = await asyncio.wrap_future(REPORTS.submit(report))  # below ingestion
    except UserError as exc:
        raise ApiError(400, "command_failed", str(exc)) from None
    return {"result": result}


async def _arguments(request: Request) -> dict[str, Any]:
    body = await request.body()
    try:
        arguments = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        raise ApiError(400, "invalid_request", "The arguments are not valid JSON.") from None
    if not isinstance(arguments, dict):
        raise ApiError(400, "invalid_request", "The arguments must be a JSON object.")
    return arguments
