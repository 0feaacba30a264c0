"""The receiver's app factory: tests, the CLI and `mailpulse serve` all build the same app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from mailpulse.database import Database
from mailpulse.settings import Settings
from receiver import admin, errors, health, token, webhook
from receiver.admin import AdminAccess
from receiver.gate import WebhookGate
from receiver.metrics import Metrics
from receiver.oauth import Tokens


def create_app(
    settings: Settings, database: Database | None = None, admin_access: AdminAccess | None = None
) -> FastAPI:
    """The receiver. Without `database` it opens (and closes) its own in its lifespan."""
    app = FastAPI(
        title="mailpulse receiver",
        summary="SendGrid Event Webhook ingestion with OAuth 2.0 client credentials.",
        lifespan=None if database else _own_database(settings),
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.admin = admin_access
    if database:
        _attach(app, database)
    app.add_middleware(WebhookGate)
    app.add_exception_handler(errors.ApiError, errors.render)
    app.add_exception_handler(RequestValidationError, errors.render_validation)
    for module in (token, webhook, health, admin):
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
