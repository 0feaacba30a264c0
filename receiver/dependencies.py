"""What routes need, declared once: settings, the database, tokens, metrics, the caller.

Dependencies are `async def`: FastAPI runs a plain `def` in the thread pool, which costs more
than the work. Only a token not seen before sends its database read to the thread pool.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from mailpulse.database import Database
from mailpulse.settings import Settings
from receiver.errors import ApiError, unauthorized
from receiver.metrics import Metrics
from receiver.oauth import Principal, Tokens


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _database(request: Request) -> Database:
    return request.app.state.database


async def _tokens(request: Request) -> Tokens:
    return request.app.state.tokens


async def _metrics(request: Request) -> Metrics:
    return request.app.state.metrics


SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_database)]
TokensDep = Annotated[Tokens, Depends(_tokens)]
MetricsDep = Annotated[Metrics, Depends(_metrics)]


async def _sendgrid_client(
    request: Request, settings: SettingsDep, tokens: TokensDep, metrics: MetricsDep
) -> Principal | None:
    """The bearer of a live token with role `sendgrid`; None when OAuth is switched off."""
    if not settings.require_oauth:
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if not scheme:
        metrics.auth_failure("missing_token")
        raise unauthorized("A bearer token is required: get one from /api/oauth/token.")
    if scheme.lower() != "bearer" or not token.strip():
        metrics.auth_failure("malformed_token")
        raise unauthorized("The Authorization header must be 'Bearer <token>'.")
    token = token.strip()
    principal = tokens.cached(token) or await run_in_threadpool(tokens.principal, token)
    if principal is None:
        metrics.auth_failure("invalid_token")
        raise unauthorized("The token is unknown, expired or revoked: get a new one.")
    if "sendgrid" not in principal.roles:
        metrics.auth_failure("missing_role")
        raise ApiError(403, "insufficient_scope", "The token's client lacks the role 'sendgrid'.")
    return principal


SendGridClient = Annotated[Principal | None, Depends(_sendgrid_client)]
