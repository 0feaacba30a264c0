"""POST /webhooks/sendgrid: authenticate, verify, then store the batch exactly once."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from receiver import signature
from receiver.dependencies import DatabaseDep, MetricsDep, SendGridClient, SettingsDep
from receiver.errors import ApiError
from receiver.events import BatchRejected, Fields
from receiver.ingest import BatchWork, Delivery, Outcome, Prepared, parse

log = logging.getLogger(__name__)
router = APIRouter()
INLINE_PARSE_BYTES = 16 * 1024


BATCH_SCHEMA = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "items": {"type": "object", "required": ["event", "timestamp"]},
                "description": "One SendGrid Event Webhook batch.",
            }
        }
    },
}


@router.post("/webhooks/sendgrid", openapi_extra={"requestBody": BATCH_SCHEMA})
async def sendgrid_webhook(
    request: Request,
    client: SendGridClient,
    settings: SettingsDep,
    db: DatabaseDep,
    metrics: MetricsDep,
) -> dict[str, int]:
    started = time.perf_counter()
    _require_json(request, metrics)
    body = await _read_body(request, settings.max_body_bytes, metrics)
    if settings.public_keys:
        _verify(request, body, settings, metrics)
    delivery = Delivery(body, client.client_id if client else None, datetime.now(UTC))
    fields = Fields(settings.campaign_field, settings.employee_field)
    if len(body) < INLINE_PARSE_BYTES:  # a thread hop costs more than parsing a few events
        parsed = parse(delivery, fields)
    else:
        parsed = await run_in_threadpool(parse, delivery, fields)
    outcome = await _store(db, delivery, parsed, metrics)
    types = parsed.events["event"].to_pylist() if isinstance(parsed, Prepared) else []
    metrics.ingested(types, outcome)
    if outcome.rejection:
        metrics.batch("rejected")
        raise ApiError(400, "invalid_body", f"{outcome.rejection} It is kept in quarantine.")
    metrics.batch("stored")
    metrics.observe_latency(time.perf_counter() - started)
    return {
        "received": outcome.received,
        "stored": outcome.stored,
        "duplicates": outcome.duplicates,
        "quarantined": outcome.quarantined,
    }


def _require_json(request: Request, metrics: MetricsDep) -> None:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        metrics.batch("unsupported_media_type")
        raise ApiError(415, "unsupported_media_type", "Send the batch as application/json.")


async def _read_body(request: Request, limit: int, metrics: MetricsDep) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        metrics.batch("too_large")
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            metrics.batch("too_large")
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, "payload_too_large", f"The body exceeds {limit} bytes: send smaller batches."
    )


def _verify(request: Request, body: bytes, settings: SettingsDep, metrics: MetricsDep) -> None:
    try:
        signature.verify(
            settings.public_keys,
            request.headers.get(signature.SIGNATURE_HEADER),
            request.headers.get(signature.TIMESTAMP_HEADER),
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


async def _store(
    db: DatabaseDep, delivery: Delivery, parsed: Prepared | BatchRejected, metrics: MetricsDep
) -> Outcome:
    future = db.writer.submit(BatchWork(delivery, parsed))
    try:
        return await asyncio.wrap_future(future)
    except Exception:
        log.exception("The database could not store a batch; answering 503.")
        metrics.batch("unavailable")
        raise ApiError(
            503,
            "storage_unavailable",
            "The database cannot be written now; nothing was stored. Retry later.",
            {"Retry-After": "30"},
        ) from None
