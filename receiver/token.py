"""POST /oauth/token: the client-credentials grant (RFC 6749 §4.4), Basic or body credentials."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from receiver.dependencies import BackoffDep, MetricsDep, TokensDep
from receiver.errors import ApiError

router = APIRouter()


def invalid_client() -> ApiError:
    return ApiError(
        401,
        "invalid_client",
        "Client authentication failed: check the client id and secret.",
        {"WWW-Authenticate": 'Basic realm="mailpulse"'},
    )


TOKEN_REQUEST = {
    "type": "object",
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string"},
        "scope": {"type": "string"},
    },
    "required": ["grant_type"],
}
TOKEN_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": TOKEN_REQUEST},
        "application/json": {"schema": TOKEN_REQUEST},
    },
}


@router.post("/oauth/token", openapi_extra={"requestBody": TOKEN_BODY})
async def token(
    request: Request, tokens: TokensDep, metrics: MetricsDep, backoff: BackoffDep
) -> JSONResponse:
    form = await _form(request)
    basic = _basic_credentials(request.headers.get("authorization"))
    body_id, body_secret = form.get("client_id"), form.get("client_secret")
    if basic and (body_id or body_secret):
        raise ApiError(
            400, "invalid_request", "Send credentials by Basic or in the body, not both."
        )
    client_id, secret = basic or (body_id, body_secret)
    if form.get("grant_type") is None:
        raise ApiError(400, "invalid_request", "grant_type is required (client_credentials).")
    if form["grant_type"] != "client_credentials":
        raise ApiError(
            400, "unsupported_grant_type", "Only grant_type=client_credentials is offered."
        )
    if not isinstance(client_id, str) or not isinstance(secret, str) or not client_id:
        metrics.auth_failure("invalid_client")
        raise invalid_client()
    roles = await run_in_threadpool(tokens.login, client_id, secret)  # the loop never waits
    if roles is None:
        metrics.auth_failure("invalid_client")
        peer = request.client.host if request.client else "an unknown peer"
        await asyncio.sleep(backoff.failed(client_id, peer))
        raise invalid_client()
    backoff.succeeded(client_id)
    _check_scope(form.get("scope"), roles)
    access_token = await run_in_threadpool(tokens.issue, client_id, roles)
    if access_token is None:  # revoked between its login and its token
        metrics.auth_failure("invalid_client")
        raise invalid_client()
    return JSONResponse(
        {"access_token": access_token, "token_type": "bearer", "expires_in": tokens.ttl_seconds},
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@router.api_route(
    "/oauth/token", methods=["GET", "HEAD", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
async def token_wrong_method() -> None:
    raise ApiError(405, "invalid_request", "Ask for a token with POST.", {"Allow": "POST"})


async def _form(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()  # at most a few KiB (receiver.limits)
    if content_type == "application/json":
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise ApiError(400, "invalid_request", "The JSON body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise ApiError(400, "invalid_request", "The JSON body must be an object.")
        return data
    if content_type in ("application/x-www-form-urlencoded", ""):
        return _urlencoded(body)
    raise ApiError(
        400, "invalid_request", "Send the body as application/x-www-form-urlencoded or JSON."
    )


def _urlencoded(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_request", "The form body is not UTF-8.") from None
    repeated = sorted(name for name, n in Counter(name for name, _ in pairs).items() if n > 1)
    if repeated:  # RFC 6749 §3.2: parameters must not be included more than once
        raise ApiError(
            400, "invalid_request", f"Send each parameter once; repeated: {', '.join(repeated)}."
        )
    return dict(pairs)


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, ValueError):
        raise ApiError(400, "invalid_request", "The Basic credentials are not base64.") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise ApiError(400, "invalid_request", "Basic credentials must be 'client_id:secret'.")
    return unquote_plus(client_id), unquote_plus(secret)


def _check_scope(scope: Any, roles: tuple[str, ...]) -> None:
    if scope is None:
        return
    wanted = str(scope).split()
    if not wanted or not set(wanted) <= set(roles):
        raise ApiError(400, "invalid_scope", f"The client holds only these roles: {list(roles)}.")
