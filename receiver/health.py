"""Liveness, readiness and Prometheus metrics: no personal data in any of them."""

from __future__ import annotations

import asyncio
import shutil

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse

from core import sql
from receiver.dependencies import DatabaseDep, MetricsDep, SettingsDep

router = APIRouter()
READY_TIMEOUT_SECONDS = 5


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(db: DatabaseDep, settings: SettingsDep) -> JSONResponse:
    free = shutil.disk_usage(db.path.parent).free
    if free < 2 * settings.max_body_bytes:
        return _unavailable(f"The database's disk has only {free} bytes free.")
    future = db.writer.submit(lambda con: con.execute(sql.text("readiness_probe")))
    try:
        await asyncio.wait_for(asyncio.wrap_future(future), READY_TIMEOUT_SECONDS)
    except Exception as exc:
        return _unavailable(f"The database cannot be written: {type(exc).__name__}: {exc}")
    return JSONResponse({"status": "ready"})


def _unavailable(reason: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)


@router.get("/metrics")
async def metrics(metrics: MetricsDep) -> PlainTextResponse:
    return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")
