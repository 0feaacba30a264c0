"""Schemathesis fuzzes the receiver through its own OpenAPI schema: never a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from core import clients
from core.database import Database
from core.settings import Settings
from receiver.app import create_app

_home = Path(tempfile.mkdtemp(prefix="mailpulse-openapi-"))
_settings = Settings(db=_home / "m.duckdb", _env_file=None)
_database = Database(_settings.db)
app = create_app(_settings, _database)
app.state.login_backoff.cap = 0  # the fuzzer fails logins by the hundred: no waiting for it
_client = _database.write(lambda con: clients.create_client(con, "fuzz", ["sendgrid"]))
TOKEN = app.state.tokens.issue(_client.client_id, ("sendgrid",))

schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_the_schema_allows_gets_a_server_error(case) -> None:
    for authorization in (None, f"Bearer {TOKEN}"):
        headers = {"Authorization": authorization} if authorization else {}
        response = case.call(headers=headers)
        assert response.status_code < 500, response.text
