"""Shared fixtures: a real DuckDB file per test, the real ASGI app, real tokens and signatures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from core import clients
from core.database import Database
from core.settings import Settings
from harness import browser
from receiver.app import create_app
from simulator.credentials import Signer
from simulator.mailsend import FakeMailSend

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sendgrid"  # provenance: SOURCES.md


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def vectors() -> dict:
    return json.loads(fixture_bytes("signed_webhook_vectors.json"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "mailpulse.duckdb", _env_file=None)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.db)
    yield database
    database.close()


@pytest.fixture
def fake() -> Iterator[FakeMailSend]:
    """The fake SendGrid Mail Send API, over real HTTP on a loopback port."""
    api = FakeMailSend()
    yield api
    api.stop()


@pytest.fixture
def sending(settings: Settings, fake: FakeMailSend) -> Settings:
    """The settings, with sending pointed at the fake Mail Send API."""
    return settings.model_copy(update={
        "sendgrid_api_url": fake.start(), "sendgrid_api_key": SecretStr(fake.api_key),
        "from_email": "hr@corp.example",
    })  # fmt: skip


@pytest.fixture
def signing_key() -> Signer:
    """A throw-away P-256 key that signs like SendGrid: timestamp + raw body."""
    return Signer()


def client_for(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    with client_for(settings) as client:
        yield client


def create_client(api: TestClient, name: str = "sendgrid", roles: list[str] | None = None):
    database: Database = api.app.state.database
    return database.write(lambda con: clients.create_client(con, name, roles or ["sendgrid"]))


def get_token(api: TestClient, new_client) -> str:
    response = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(new_client.client_id, new_client.client_secret),
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def token(api: TestClient) -> str:
    return get_token(api, create_client(api))


def post_batch(api: TestClient, token: str, body: bytes, **headers: str):
    return api.post(
        "/webhooks/sendgrid",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
    )


def count(api_or_db, sql: str) -> int:
    database = api_or_db if isinstance(api_or_db, Database) else api_or_db.app.state.database
    with database.cursor() as cur:
        return cur.execute(sql).fetchall()[0][0]


def pytest_report_header() -> str:
    reason = browser.missing_reason()
    if reason is None:
        return f"browser tests: Debian's Chromium at {browser.CHROMIUM}"
    if browser.may_skip():
        return f"browser tests: SKIPPED, {reason}"
    return f"browser tests: FAIL, {reason} (as root they are never skipped)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = browser.missing_reason()
    if reason is None or not browser.may_skip():
        return  # as root a missing Chromium fails the tests at launch: never a quiet skip
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": browser.CHROMIUM,
        "args": browser.CHROMIUM_ARGS,
    }
