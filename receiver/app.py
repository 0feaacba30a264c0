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
from receiver.backoff import LoginBackoff
from receiver.gate import WebhookGate
from receiver.limits import TOKEN_BODY_BYTES, TOKEN_PATH, Limits
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
    app.state.login_backoff = LoginBackoff()
    if database:
        _attach(app, database)
    app.add_middleware(WebhookGate)
    app.state.body_caps = {TOKEN_PATH: TOKEN_BODY_BYTES}  # others may add theirs (the admin API)
    app.add_middleware(
        Limits,
        caps=app.state.body_caps,
        default_cap=settings.max_body_bytes,
        body_seconds=settings.body_timeout_seconds,
        metrics=app.state.metrics,
    )
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
