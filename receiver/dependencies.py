"""What routes need, declared once: settings, the database, tokens, metrics.

Dependencies are `async def`: FastAPI runs a plain `def` in the thread pool, which costs more
than the work.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from core.database import Database
from core.metrics import Metrics
from core.settings import Settings
from receiver.backoff import LoginBackoff
from receiver.oauth import Tokens


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _database(request: Request) -> Database:
    return request.app.state.database


async def _tokens(request: Request) -> Tokens:
    return request.app.state.tokens


async def _metrics(request: Request) -> Metrics:
    return request.app.state.metrics


async def _backoff(request: Request) -> LoginBackoff:
    return request.app.state.login_backoff


SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_database)]
TokensDep = Annotated[Tokens, Depends(_tokens)]
MetricsDep = Annotated[Metrics, Depends(_metrics)]
BackoffDep = Annotated[LoginBackoff, Depends(_backoff)]
