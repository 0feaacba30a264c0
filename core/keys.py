"""The secret key beside the database, and what is derived from it.

`<database file>.key` (`data/mailpulse.duckdb.key`; mode 0600, made at first start) holds 32 random
bytes. Each use derives its own key from it (`derived`), so survey tokens and the encryption of
stored secrets never share one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_BYTES = 32
TOKEN_BYTES = 16  # 128 bits: unguessable, and short enough for a URL


def key_path(db: Path) -> Path:
    return db.with_name(f"{db.name}.key")


def secret_key(db: Path) -> bytes:
    """The database's key, made (mode 0600, never replaced) when there is none yet."""
    path = key_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    key = secrets.token_bytes(KEY_BYTES)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


def _read(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise ValueError(f"{path} is not a mailpulse key ({len(key)} bytes, not {KEY_BYTES}).")
    return key


def derived(key: bytes, purpose: str) -> bytes:
    """A key for one purpose only (HMAC-SHA256 of the purpose under the database's key)."""
    return hmac.new(key, f"mailpulse {purpose}".encode(), hashlib.sha256).digest()


def survey_token(key: bytes, campaign: str, employee_id: str) -> str:
    """Opaque and URL-safe, one per campaign and employee, with nothing personal in it."""
    mac = hmac.new(derived(key, "survey token"), f"{campaign}\0{employee_id}".encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()[:TOKEN_BYTES]).rstrip(b"=").decode()


def survey_tokens(key: bytes, campaign: str, employee_ids: list[str]) -> dict[str, str]:
    """`survey_token` of many employees at once, keyed by token (the purpose key made once)."""
    purpose = derived(key, "survey token")
    tokens = {}
    for employee_id in employee_ids:
        mac = hmac.new(purpose, f"{campaign}\0{employee_id}".encode(), "sha256").digest()
        tokens[base64.urlsafe_b64encode(mac[:TOKEN_BYTES]).rstrip(b"=").decode()] = employee_id
    return tokens
