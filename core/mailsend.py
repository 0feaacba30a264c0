"""SendGrid's v3 Mail Send API: one request of up to 1000 recipients, and what its answer means.

The answer decides a recipient's state (SPEC "Never twice"): 202 accepted; no answer after the
request left (time-out, broken connection) uncertain; 429, 5xx and refused connections were not
accepted and are retried; other 4xx failed; 401/403 stop the job. The API key goes only in the
Authorization header: never in a message, a log line or the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import orjson

from core.settings import Settings

MAX_PERSONALIZATIONS = 1000
# Connecting may be retried freely (nothing left); a request that left may have been accepted.
TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
Kind = Literal["accepted", "lost", "retry", "rate_limited", "failed", "stop"]


@dataclass(frozen=True)
class Answer:
    kind: Kind
    message_id: str | None = None
    error: str | None = None
    reset_at: float | None = None  # epoch seconds to wait until (429)


class MailSend:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        key = settings.sendgrid_api_key.get_secret_value()
        self._client = httpx.Client(
            base_url=settings.sendgrid_api_url.rstrip("/"),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            timeout=TIMEOUT,
            transport=transport,
        )

    def post(self, body: dict[str, Any]) -> Answer:
        try:
            response = self._client.post("/v3/mail/send", content=orjson.dumps(body))
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return Answer("retry", error=f"SendGrid could not be reached ({type(exc).__name__}).")
        except httpx.TransportError as exc:
            return Answer("lost", error=f"SendGrid's answer was lost ({type(exc).__name__}).")
        return judge(response)

    def close(self) -> None:
        self._client.close()


def judge(response: httpx.Response) -> Answer:
    status = response.status_code
    if status in (200, 202):
        return Answer("accepted", message_id=response.headers.get("X-Message-Id"))
    if status == 429:
        return Answer("rate_limited", error="SendGrid's rate limit", reset_at=_reset(response))
    if status >= 500:
        return Answer("retry", error=f"SendGrid answered {status}.")
    if status in (401, 403):
        return Answer("stop", error=(
            f"SendGrid refused the API key ({status}: {sendgrid_message(response)}): it is "
            "wrong or lacks the mail.send permission; fix MAILPULSE_SENDGRID_API_KEY."
        ))  # fmt: skip
    return Answer("failed", error=f"SendGrid refused the request ({status}): "
                  f"{sendgrid_message(response)}")  # fmt: skip


def sendgrid_message(response: httpx.Response) -> str:
    """SendGrid's errors `[{"message", "field"}]` as one line."""
    try:
        errors = response.json().get("errors") or []
        parts = [
            f"{e.get('message')}" + (f" ({e['field']})" if e.get("field") else "") for e in errors
        ]
    except (ValueError, AttributeError, TypeError):
        parts = []
    return "; ".join(parts)[:1000] or response.reason_phrase or "no message"


def _reset(response: httpx.Response) -> float:
    try:
        return float(response.headers["X-RateLimit-Reset"])
    except (KeyError, ValueError):
        return time.time() + 1.0  # no header: a second, then ask again
