"""A simulated survey tool: it tells mailpulse who finished, as Standard Webhooks posts.

Each completion is one signed post (`webhook-id`, `webhook-timestamp`, `webhook-signature:
v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`) whose `data.token` is the respondent's survey
token, the hidden field a real tool returns from the survey link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass(frozen=True)
class Finished:
    message_id: str  # stable per respondent: a re-post is the same message, stored once
    token: str
    completed_at: int  # epoch seconds


def signed_headers(secret: str, message_id: str, body: bytes, now: float) -> dict[str, str]:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    stamp = str(int(now))
    mac = hmac.new(key, f"{message_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": stamp,
        "webhook-signature": f"v1,{base64.b64encode(mac).decode()}",
        "content-type": "application/json",
    }


class SurveyTool:
    def __init__(self, url: str, secret: str) -> None:
        self.url, self._secret = url, secret
        self._http = httpx.Client(timeout=TIMEOUT)

    def post(self, done: Finished) -> dict:
        """Raises for an answer other than 200 (the caller tries again later, as tools do)."""
        data = {"token": done.token, "completed_at": done.completed_at}
        body = json.dumps({"type": "survey.completed", "data": data}).encode()
        headers = signed_headers(self._secret, done.message_id, body, time.time())
        response = self._http.post(self.url, content=body, headers=headers)
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self._http.close()
