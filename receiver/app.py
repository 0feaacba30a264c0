"""The receiver's app factory: tests, the CLI and `mailpulse serve` all build the same app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from core.database import Database
from core.metrics import Metrics
from core.settings import Settings
from receiver import completions, errors, health, teams, token, webhook
from receiver.gate import WebhookGate
from receiver.oauth import Tokens


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    """The receiver. Without `database` it opens (and closes) its own in its lifespan."""
    app = FastAPI(
        title="mailpulse receiver",
        summary="SendGrid Event Webhook ingestion with OAuth 2.0 client credentials.",
        lifespan=None if database else _own_database(settings),
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    if database:
        _attach(app, database)
    app.add_middleware(WebhookGate)
    app.add_exception_handler(errors.ApiError, errors.render)
    app.add_exception_handler(RequestValidationError, errors.render_validation)
    for module in (token, webhook, health, completions, teams):
        app.include_router(module.router)
    return app


def _attach(app: FastAPI, database: Database) -> None:
    app.state.database = database
    app.state.tokens = Tokens(database, app.state.settings.token_ttl_seconds)


def _own_database(settings: Settings):  # noqa: ANN202 (a lifespan factory)
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.db)
        _attach(app, database)
        try:
            yield
        finally:
            database.close()

    return lifespan
