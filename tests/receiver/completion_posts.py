"""Helpers for completion posts: a roster, sources, and posts signed as each tool signs them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from core import keys, roster, sources
from core.database import Database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "completions"  # see SOURCES.md
ROSTER = "employee_id,email,name,department\n" + "".join(
    f"E{n},person{n}@corp.example,Person {n},{'Sales' if n < 7 else 'Legal'}\n" for n in range(1, 9)
)


def setup_roster(db: Database) -> None:
    roster.import_roster(db, ROSTER)


def token_of(db: Database, campaign: str, employee_id: str) -> str:
    return keys.survey_token(keys.secret_key(db.path), campaign, employee_id)


def standard_post(
    api: TestClient, secret: str, data: dict | None, msg_id: str | None = None,
    at: float | None = None, source: str = "survey", raw: str | None = None,
):  # fmt: skip
    """Signed by the `standardwebhooks` package, as any Standard Webhooks sender signs."""
    body = raw if raw is not None else json.dumps({"type": "survey.completed", "data": data})
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    stamp = datetime.fromtimestamp(at or time.time(), UTC)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, stamp, body),
        "content-type": "application/json",
    }
    return api.post(f"/webhooks/completions/{source}", content=body.encode(), headers=headers)


def hmac_b64(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def fixture(name: str, token: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"TOKEN", token.encode())


def new_source(db: Database, name: str, kind: str, **options: str | None) -> str | None:
    return sources.create(db, name, kind, **options).secret


def standard_signature(secret: str, msg_id: str, stamp: str, body: bytes) -> str:
    """Computed here from the specification, independently of the library."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()
