"""The admin API refuses a caller before it reads a byte of the body."""

from __future__ import annotations

import json

import orjson
import pytest
from fastapi import FastAPI
from starlette.types import Message

from core.database import Database
from core.settings import Settings
from harness.asgi import run
from mailpulse import admin
from mailpulse.admin import AdminAccess
from mailpulse.remote import SECRET_HEADER
from receiver.app import create_app


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    access = AdminAccess.publish(settings.admin_file, "http://127.0.0.1:1/api/admin")
    return admin.attach(create_app(settings, db), access)


@pytest.fixture
def secret(settings: Settings, app: FastAPI) -> str:
    return json.loads(settings.admin_file.read_text())["secret"]


def call(app: FastAPI, peer: str, secret: str) -> tuple[int, dict, int]:
    """`clients_list` posted as raw ASGI: the answer, and how often the app read the body."""
    reads, sent = [], []
    scope = {
        "type": "http", "method": "POST", "path": "/admin/commands/clients_list",
        "root_path": "", "query_string": b"", "client": (peer, 40000), "server": None,
        "headers": [(SECRET_HEADER.lower().encode(), secret.encode()),
                    (b"content-type", b"application/json"), (b"content-length", b"2")],
    }  # fmt: skip

    async def receive() -> Message:
        reads.append(1)
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    run(app, scope, receive, send)
    return sent[0]["status"], orjson.loads(sent[1]["body"]), len(reads)


def test_a_wrong_secret_is_refused_before_the_body_is_read(app: FastAPI) -> None:
    status, answer, reads = call(app, "127.0.0.1", "wrong")
    assert (status, answer["error_description"], reads) == (403, "The admin secret is wrong.", 0)


def test_a_peer_off_loopback_is_refused_before_the_body_is_read(app: FastAPI, secret: str):
    status, answer, reads = call(app, "192.0.2.7", secret)
    assert (status, reads) == (403, 0)
    assert "loopback" in answer["error_description"]


def test_the_right_secret_on_loopback_reads_the_body_and_runs_the_command(
    app: FastAPI, secret: str
) -> None:
    assert call(app, "127.0.0.1", secret) == (200, {"result": []}, 1)
