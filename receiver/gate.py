"""Who may post a batch, checked before any framework work, so a flood of forgeries costs little.

`WebhookGate` is plain ASGI: a webhook post that is not JSON, has no live `sendgrid` token, is
too large or is not signed by SendGrid is answered here, before FastAPI routes it, solves
dependencies or parses a byte. A post that passes reaches the route with its caller and body.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from core.metrics import Metrics
from receiver import errors, signature
from receiver.errors import ApiError, unauthorized
from receiver.oauth import Principal

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/webhooks/sendgrid"


@dataclass(frozen=True)
class Admitted:
    """A post that passed the gate: its caller (None when OAuth is off), its raw body, and when
    it arrived (`time.perf_counter()`)."""

    client: Principal | None
    body: bytes
    arrived: float
    signed_at: int | None = None  # the verified signature's timestamp, when keys are set


class WebhookGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_webhook_post(scope):
            await self.app(scope, receive, send)
            return
        arrived = time.perf_counter()
        try:
            headers = Headers(scope=scope)
            client, body = await _admit(scope["app"], headers, receive)
        except ApiError as exc:
            await errors.response(exc)(scope, receive, send)
            return
        admitted = Admitted(client, body, arrived, _signed_at(scope["app"], headers))
        scope.setdefault("state", {})["admitted"] = admitted
        await self.app(scope, receive, send)


def _is_webhook_post(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    return scope["path"].removeprefix(scope.get("root_path", "")) == WEBHOOK_PATH


async def _admit(
    app: FastAPI, headers: Headers, receive: Receive
) -> tuple[Principal | None, bytes]:
    settings, metrics = app.state.settings, app.state.metrics
    client = _client(app, headers) if settings.require_oauth else None
    _require_json(headers, metrics)
    body = await _read_body(headers, receive, settings.max_body_bytes, metrics)
    if settings.public_keys:
        _verify(app, headers, body)
    return client, body


def _signed_at(app: FastAPI, headers: Headers) -> int | None:
    """The timestamp the signature covered (verified digits), which names a retry's body."""
    if not app.state.settings.public_keys:
        return None
    signed_at = int(headers.get(signature.TIMESTAMP_HEADER, ""))
    return signed_at if signed_at < 2**63 else None


def _client(app: FastAPI, headers: Headers) -> Principal:
    """The bearer of a live token with role `sendgrid`."""
    tokens, metrics = app.state.tokens, app.state.metrics
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if not scheme:
        metrics.auth_failure("missing_token")
        raise unauthorized("A bearer token is required: get one from /api/oauth/token.")
    if scheme.lower() != "bearer" or not token.strip():
        metrics.auth_failure("malformed_token")
        raise unauthorized("The Authorization header must be 'Bearer <token>'.")
    token = token.strip()
    principal = tokens.principal(token)
    if principal is None:
        metrics.auth_failure("invalid_token")
        raise unauthorized("The token is unknown, expired or revoked: get a new one.")
    if "sendgrid" not in principal.roles:
        metrics.auth_failure("missing_role")
        raise ApiError(403, "insufficient_scope", "The token's client lacks the role 'sendgrid'.")
    return principal


def _require_json(headers: Headers, metrics: Metrics) -> None:
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        metrics.batch("unsupported_media_type")
        raise ApiError(415, "unsupported_media_type", "Send the batch as application/json.")


async def _read_body(headers: Headers, receive: Receive, limit: int, metrics: Metrics) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        metrics.batch("too_large")
        raise _too_large(limit)
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ApiError(400, "invalid_request", "The client went away before the body ended.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            metrics.batch("too_large")
            raise _too_large(limit)
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, "payload_too_large", f"The body exceeds {limit} bytes: send smaller batches."
    )


def _verify(app: FastAPI, headers: Headers, body: bytes) -> None:
    settings, metrics = app.state.settings, app.state.metrics
    try:
        signature.verify(
            settings.public_keys,
            headers.get(signature.SIGNATURE_HEADER),
            headers.get(signature.TIMESTAMP_HEADER),
            body,
            settings.signature_max_age_seconds,
        )
    except signature.SignatureError as exc:
        metrics.auth_failure(exc.reason)
        metrics.batch("forbidden")
        log.info("Refused a webhook post: %s.", exc.reason)
        raise ApiError(
            403, "invalid_signature", "The SendGrid signature is missing, wrong or too old."
        ) from None
