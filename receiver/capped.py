"""Reading a request body with a size cap: refused by its declared length before a byte is read,
and as soon as the bytes received pass the cap (a chunked body declares nothing)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import Receive

from core.metrics import Metrics
from receiver.errors import ApiError


async def read_capped(headers: Headers, receive: Receive, limit: int, metrics: Metrics) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit, metrics)
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ApiError(400, "invalid_request", "The client went away before the body ended.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit, metrics)
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _too_large(limit: int, metrics: Metrics) -> ApiError:
    metrics.batch("too_large")
    return ApiError(413, "payload_too_large", f"The body exceeds {limit} bytes.")
