"""`mailpulse send`: a job asked for and followed, through the running server or in-process.

A job started through a server is never taken over by this process: if the server goes away,
the command says so and fails, and the job resumes when the server starts again.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable
from typing import Any

import httpx

from core.database import Database, DatabaseBusy
from core.errors import UserError
from core.send_runner import Runner
from core.settings import Settings
from mailpulse import remote
from mailpulse.commands import sending

FOLLOW_SECONDS = 0.5
Say = Callable[[dict[str, Any]], None]


def actor() -> str:
    return f"cli:{getpass.getuser()}"


def send(
    settings: Settings, campaign: str, segment: str, limit: int | None, progress: Say
) -> dict[str, Any]:
    """The job's final status (`send_status`), or one saying nobody was to be mailed."""
    arguments = {"campaign": campaign, "segment": segment, "requested_by": actor(),
                 "limit": limit}  # fmt: skip
    server = remote.server_for(settings)
    if server is not None:
        return _through(server, arguments, progress)
    return _here(settings, arguments, progress)


def _through(server: dict[str, str], arguments: dict[str, Any], progress: Say) -> dict[str, Any]:
    try:
        job = remote.call(server, "send_request", **arguments)
    except httpx.HTTPError:
        raise UserError("The server went away before the job was asked for.") from None
    try:
        while not (status := remote.call(server, "send_status", job_id=job["job_id"]))[
            "finished_at"
        ]:
            progress(status)
            time.sleep(FOLLOW_SECONDS)
    except httpx.HTTPError:
        raise UserError(
            f"The server went away while sending job {job['job_id']}; the job resumes when the "
            f"server starts again (`mailpulse sends --campaign {arguments['campaign']}`)."
        ) from None
    return status


def _here(settings: Settings, arguments: dict[str, Any], progress: Say) -> dict[str, Any]:
    try:
        db = Database(settings.db, create=False)
    except DatabaseBusy:
        raise UserError(f"{settings.db} is in use by another process, and no mailpulse server "
                        "answered.") from None  # fmt: skip
    try:
        job = sending.send_request(db, settings, **arguments)
        runner = Runner(db, settings)
        runner.recover()
        runner.run_job(job["job_id"], progress)
        return sending.send_status(db, settings, job["job_id"])
    finally:
        db.close()
