"""Secrets never leak: not in logs, error bodies, metrics or the database; admin stays local."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from core.database import Database
from core.settings import Settings
from harness.server import Server
from mailpulse import admin as admin_api
from mailpulse.admin import AdminAccess
from receiver.app import create_app
from tests.conftest import fixture_bytes


def test_no_secret_reaches_the_log_the_answers_the_metrics_or_the_database(tmp_path: Path) -> None:
    server = Server(tmp_path)
    server.start()
    try:
        creds = json.loads(server.cli("clients", "create", "sendgrid", "--json").stdout)
        client_id, secret = creds["client_id"], creds["client_secret"]
        token_url = f"{server.url}/api/oauth/token"
        grant = {"grant_type": "client_credentials"}
        token = httpx.post(token_url, data=grant, auth=(client_id, secret)).json()["access_token"]
        answers = [
            httpx.post(token_url, data=grant, auth=(client_id, secret + "x")),
            httpx.post(token_url, data={**grant, "client_id": client_id, "client_secret": "x"}),
            server.post(token + "x", b"[]"),
            server.post(token, b"not json"),
            server.post(token, fixture_bytes("sample_batch.json")),
            httpx.get(f"{server.url}/api/metrics"),
            httpx.get(f"{server.url}/api/readyz"),
        ]  # fmt: skip
        admin_secret = json.loads(Path(server.env["MAILPULSE_DB"] + ".admin").read_text())["secret"]
        server.cli("clients", "revoke", "sendgrid")
    finally:
        server.stop()

    secrets = [secret, token, admin_secret]
    database_file = Path(server.env["MAILPULSE_DB"])
    stored = b"".join(p.read_bytes() for p in database_file.parent.glob("m.duckdb*"))
    for hidden in secrets:
        assert hidden not in server.log.read_text()
        assert all(hidden not in answer.text for answer in answers)
        assert hidden.encode() not in stored


def test_the_admin_api_refuses_a_peer_that_is_not_loopback(settings: Settings) -> None:
    database = Database(settings.db)
    admin = AdminAccess.publish(settings.admin_file, "http://127.0.0.1:1/api/admin")
    secret = json.loads(settings.admin_file.read_text())["secret"]
    app = admin_api.attach(create_app(settings, database), admin)
    try:
        for peer, expected in ((("203.0.113.9", 4000), 403), (("127.0.0.1", 4000), 200)):
            with TestClient(app, client=peer) as client:
                response = client.post(
                    "/admin/commands/clients_list",
                    json={},
                    headers={"X-Mailpulse-Admin-Secret": secret},
                )
                assert response.status_code == expected
    finally:
        database.close()
