"""Limits before any framework work: body caps per path, header count, body deadline, and a bound
on large bodies read at once; every refusal a status and a reason."""

import asyncio
import json

from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from harness.asgi import run
from receiver.limits import LARGE_BODIES, LARGE_BODY_BYTES, MAX_HEADERS, TOKEN_BODY_BYTES, Limits

MIB = 1024 * 1024


async def echo_length(scope: Scope, receive: Receive, send: Send) -> None:
    """A downstream app that reads its whole body and answers its length."""
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise OSError("The client went away.")
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def limits(body_seconds: float = 5.0) -> Limits:
    return Limits(echo_length, caps={"/small": 1000}, default_cap=8 * MIB,
                  body_seconds=body_seconds)  # fmt: skip


def scope(path: str = "/big", headers: list[tuple[bytes, bytes]] | None = None) -> Scope:
    return {"type": "http", "method": "POST", "path": path, "root_path": "",
            "headers": headers or []}  # fmt: skip


def chunks(*parts: bytes, pause: float = 0.0, ends: bool = True) -> Receive:
    queue = list(parts)

    async def receive() -> Message:
        await asyncio.sleep(pause)
        if not queue:
            await asyncio.sleep(3600)  # a client that never sends the rest
        body = queue.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(queue) or not ends}

    return receive


async def call(app: Limits, request: Scope, receive: Receive) -> tuple[int, dict, bytes]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(request, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


def test_a_token_request_declaring_a_large_body_is_refused_in_rfc_6749_shape(
    api: TestClient,
) -> None:
    response = api.post("/oauth/token", content=b"grant_type=" + b"x" * TOKEN_BODY_BYTES,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code == 413
    assert response.json()["error"] == "invalid_request"
    assert str(TOKEN_BODY_BYTES) in response.json()["error_description"]
    assert response.headers["connection"] == "close"


def test_too_many_headers_are_refused_with_431(api: TestClient) -> None:
    headers = {f"x-h{i}": "1" for i in range(MAX_HEADERS + 1)}
    response = api.get("/healthz", headers=headers)
    assert response.status_code == 431
    assert response.json()["error"] == "headers_too_many"


def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_its_cap() -> None:
    status, _, body = run(call, limits(), scope("/small"), chunks(b"x" * 600, b"x" * 600))
    assert status == 413
    assert json.loads(body)["error_description"] == "The body exceeds 1000 bytes."


def test_a_body_that_does_not_arrive_within_its_deadline_is_answered_408() -> None:
    dripping = chunks(b"[", b"1", pause=0.1, ends=False)
    status, headers, body = run(call, limits(0.2), scope(), dripping)
    assert status == 408
    assert json.loads(body)["error"] == "request_timeout"
    assert headers["connection"] == "close"


def test_a_body_within_its_cap_and_deadline_reaches_the_app() -> None:
    status, _, body = run(call, limits(), scope(), chunks(b"x" * MIB, b"x" * MIB))
    assert (status, body) == (200, str(2 * MIB).encode())


def test_one_large_body_more_than_the_bound_is_answered_503_with_retry_after() -> None:
    large = [(b"content-length", str(LARGE_BODY_BYTES + 1).encode())]

    async def flood() -> list[tuple[int, dict, bytes]]:
        app = limits()
        stalled = [  # each sends a first chunk, then nothing
            asyncio.create_task(call(app, scope(headers=large), chunks(b"x", ends=False)))
            for _ in range(LARGE_BODIES)
        ]
        await asyncio.sleep(0.05)
        one_more = await call(app, scope(headers=large), chunks(b"x"))
        small = await call(app, scope(), chunks(b"x"))  # a small body still passes
        for task in stalled:
            task.cancel()
        return [one_more, small]

    (status, headers, body), small = run(flood)
    assert status == 503 and headers["retry-after"] == "5"
    assert json.loads(body)["error"] == "temporarily_unavailable"
    assert small[0] == 200
