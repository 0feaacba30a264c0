"""POST /webhooks/teams: a Teams outgoing webhook (an @mention in a channel), answered in time.

Verified as Microsoft documents it (HMAC-SHA256 of the raw body under the base64-decoded token);
404 while no token is set. Teams gives up after 5 seconds, so a slow answer is cut short.
"""

from __future__ import annotations

import asyncio
import logging

import orjson
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from receiver import hmacs
from receiver.capped import read_capped
from receiver.dependencies import DatabaseDep, MetricsDep, SettingsDep
from receiver.errors import ApiError
from receiver.teams_answers import answer

log = logging.getLogger(__name__)
router = APIRouter()
MAX_BODY_BYTES = 256 * 1024  # a channel message with its HTML; anything larger is not Teams
ANSWER_SECONDS = 4.0  # within Teams' 5 s, with time for the trip back


@router.post("/webhooks/teams")
async def teams_webhook(
    request: Request, settings: SettingsDep, db: DatabaseDep, metrics: MetricsDep
) -> dict[str, str]:
    token = settings.teams_outgoing_token.get_secret_value()
    if not token:
        raise ApiError(404, "not_found", "The Teams endpoint is off: no token is set.")
    headers = Headers(scope=request.scope)
    limit = min(MAX_BODY_BYTES, settings.max_body_bytes)
    body = await read_capped(headers, request.receive, limit, metrics)
    try:
        hmacs.verify_teams(token, headers.get("authorization"), body)
    except hmacs.HmacError as exc:
        metrics.auth_failure(f"teams_{exc.reason}")
        raise ApiError(401, "invalid_signature", "The Teams HMAC is missing or wrong.") from None
    return {"type": "message", "text": await _answer(db, settings.bot_click_seconds, body)}


async def _answer(db: DatabaseDep, bot_click_seconds: int, body: bytes) -> str:
    try:
        text = orjson.loads(body).get("text") or ""
    except (orjson.JSONDecodeError, AttributeError):
        raise ApiError(400, "invalid_body", "The body is not a Teams message.") from None
    try:
        work = run_in_threadpool(answer, db, bot_click_seconds, str(text))
        return await asyncio.wait_for(work, ANSWER_SECONDS)
    except TimeoutError:
        log.warning("A Teams question took longer than %s s; answered 'busy'.", ANSWER_SECONDS)
        return "Still counting: ask again in a minute."
    except Exception:  # the channel gets a sentence, the log the detail
        log.exception("A Teams question could not be answered.")
        return "I could not count just now: ask again in a minute."
