"""POST /webhooks/completions/{source}: a survey tool says someone finished the survey.

On the footing of SendGrid's webhook: a body over the size limit is refused before it is read,
a bad signature before a byte is parsed (401, counted in metrics); what passes is archived raw,
then stored exactly once by the source's event id, in the writer's transaction.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from core import keys, sources
from core.database import Database
from core.metrics import Metrics
from core.respondents import Tokens
from core.sources import Source
from receiver import hmacs
from receiver.capped import read_capped
from receiver.completion_store import Answer, Judged, Post, judge, store
from receiver.dependencies import DatabaseDep, MetricsDep, SettingsDep
from receiver.errors import ApiError

log = logging.getLogger(__name__)
router = APIRouter()
PATH = "/webhooks/completions/{source}"


class Known:
    """The live sources (secrets decrypted) and survey tokens, kept per sources generation."""

    def __init__(self, db: Database) -> None:
        self._db, self._lock = db, threading.Lock()
        self._generation, self._sources = -1, {}
        self.tokens = Tokens(keys.secret_key(db.path))

    def source(self, name: str) -> Source | None:
        with self._lock:
            if self._generation != sources.generation():
                self._generation = sources.generation()
                self._sources = sources.live(self._db)
            return self._sources.get(name)


def known(request: Request) -> Known:
    state = request.app.state
    if getattr(state, "completion_sources", None) is None:
        state.completion_sources = Known(state.database)
    return state.completion_sources


@router.post(PATH, status_code=200, response_model=None)
async def completion_webhook(
    request: Request, source: str, settings: SettingsDep, db: DatabaseDep, metrics: MetricsDep
) -> JSONResponse:
    found = known(request).source(source)
    if found is None:
        metrics.auth_failure("completions_unknown_source")
        raise ApiError(404, "unknown_source", f"There is no completion source named {source!r}.")
    headers = Headers(scope=request.scope)
    body = await read_capped(headers, request.receive, settings.max_body_bytes, metrics)
    _verify(found, headers, body, metrics)
    post = Post(found, datetime.now(UTC), headers.get("webhook-id"), body)
    judged = await run_in_threadpool(_judge, db, known(request).tokens, post)
    answer = await _store(db, post, judged, metrics)
    if answer.rejection:
        raise ApiError(400, "invalid_body", f"{answer.rejection} It is kept in quarantine.")
    metrics.batch("completion_stored")
    return JSONResponse(answer.as_dict())


def _verify(source: Source, headers: Headers, body: bytes, metrics: Metrics) -> None:
    try:
        if source.kind == "standard":
            hmacs.verify_standard(source.secret, headers, body)
        elif source.kind == "typeform":
            hmacs.verify_typeform(source.secret, headers.get("typeform-signature"), body)
        else:
            hmacs.verify_tally(source.secret, headers.get("tally-signature"), body)
    except hmacs.HmacError as exc:
        metrics.auth_failure(f"completions_{exc.reason}")
        metrics.batch("completion_refused")
        log.info("Refused a completion post for source %s: %s.", source.name, exc.reason)
        raise ApiError(
            401, "invalid_signature", "The signature is missing, wrong or too old."
        ) from None


def _judge(db: Database, tokens: Tokens, post: Post) -> Judged:
    with db.cursor() as cur:
        return judge(cur, tokens, post)


async def _store(db: Database, post: Post, judged: Judged, metrics: Metrics) -> Answer:
    future = db.writer.submit(lambda con: store(con, post, judged))
    try:
        return await asyncio.wrap_future(future)
    except Exception:
        log.exception("The database could not store a completion; answering 503.")
        metrics.batch("unavailable")
        raise ApiError(503, "storage_unavailable",
                       "The database cannot be written now; nothing was stored. Retry later.",
                       {"Retry-After": "30"}) from None  # fmt: skip
