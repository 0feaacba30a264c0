"""POST /webhooks/sendgrid: parse the batch the gate admitted, then store it exactly once."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from receiver.dependencies import DatabaseDep, MetricsDep, SettingsDep
from receiver.errors import ApiError
from receiver.events import BatchRejected, Fields
from receiver.gate import WEBHOOK_PATH, Admitted
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


@router.post(WEBHOOK_PATH, openapi_extra={"requestBody": BATCH_SCHEMA})
async def sendgrid_webhook(
    request: Request, settings: SettingsDep, db: DatabaseDep, metrics: MetricsDep
) -> dict[str, int]:
    admitted: Admitted = request.state.admitted  # the gate authenticated it and read its body
    client, body = admitted.client, admitted.body
    client_id = client.client_id if client else None
    delivery = Delivery(body, client_id, datetime.now(UTC), admitted.signed_at)
    fields = Fields(settings.campaign_field, settings.employee_field)
    if len(body) < INLINE_PARSE_BYTES:  # a thread hop costs more than parsing a few events
        parsed = parse(delivery, fields)
    else:
        parsed = await run_in_threadpool(parse, delivery, fields)
    outcome = await _store(db, delivery, parsed, metrics)
    types = parsed.types() if isinstance(parsed, Prepared) else []
    metrics.ingested(types, outcome.stored, outcome.duplicates, outcome.quarantined)
    if outcome.rejection:
        metrics.batch("rejected")
        raise ApiError(400, "invalid_body", f"{outcome.rejection} It is kept in quarantine.")
    metrics.batch("stored")
    metrics.observe_latency(time.perf_counter() - admitted.arrived)
    return {
        "received": outcome.received,
        "stored": outcome.stored,
        "duplicates": outcome.duplicates,
        "quarantined": outcome.quarantined,
    }


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
