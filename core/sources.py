"""Completion sources: the survey tools that may post completions, with their signing secrets.

A secret must be read back to verify posts, so it is stored encrypted (Fernet) under a key
derived from the database's key file; a `standard` secret is generated here and shown once.
"""

from __future__ import annotations

import base64
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from core import keys, sql
from core.database import Database
from core.errors import UserError

KINDS = ("standard", "typeform", "tally")
SECRET_PURPOSE = "stored secrets"
_generation = 0  # bumped by every change, so a process's cache never serves a removed source
_generation_lock = threading.Lock()


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    campaign: str | None
    secret: str


@dataclass(frozen=True)
class NewSource:
    name: str
    kind: str
    secret: str | None  # only for `standard`: shown once


def cipher(db_path: Path) -> Fernet:
    derived = keys.derived(keys.secret_key(db_path), SECRET_PURPOSE)
    return Fernet(base64.urlsafe_b64encode(derived))


def standard_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def create(
    db: Database, name: str, kind: str, campaign: str | None = None, secret: str | None = None
) -> NewSource:
    _check(db, name, kind, secret)
    secret = standard_secret() if kind == "standard" else (secret or "").strip()
    sealed = cipher(db.path).encrypt(secret.encode())
    params = {"name": name, "kind": kind, "campaign": campaign, "secret": sealed}
    db.write(lambda con: con.execute(sql.text("insert_completion_source"), params))
    _changed()
    return NewSource(name, kind, secret if kind == "standard" else None)


def _check(db: Database, name: str, kind: str, secret: str | None) -> None:
    if kind not in KINDS:
        raise UserError(f"There is no source kind {kind!r}; the kinds are: {', '.join(KINDS)}.")
    if not name.strip() or "/" in name:
        raise UserError("A source name must be non-empty and without '/', e.g. typeform-2026.")
    if db.rows("completion_source_live", name=name)[0][0]:
        raise UserError(f"A source named {name!r} exists already: remove it first.")
    if kind != "standard" and not (secret or "").strip():
        raise UserError(f"A {kind} source needs the secret set in {kind} (--secret-file).")
    if kind == "standard" and secret:
        raise UserError("A standard source makes its own secret: leave --secret-file out.")


def listed(db: Database) -> list[dict[str, object]]:
    names = ("name", "kind", "campaign", "created_at", "completed", "quarantined", "last_received")
    rows = db.rows("list_completion_sources")
    return [{k: _plain(v) for k, v in zip(names, row, strict=True)} for row in rows]


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def remove(db: Database, name: str) -> str:
    removed = db.write(
        lambda con: con.execute(sql.text("remove_completion_source"), {"name": name}).fetchall()
    )
    if not removed:
        raise UserError(f"There is no source named {name!r} (`mailpulse sources list`).")
    _changed()
    return name


def live(db: Database) -> dict[str, Source]:
    """Every live source, secrets decrypted: the receiver keeps this per generation."""
    fernet = cipher(db.path)
    return {
        name: Source(name, kind, campaign, fernet.decrypt(bytes(sealed)).decode())
        for name, kind, campaign, sealed in db.rows("completion_sources_live")
    }


def generation() -> int:
    return _generation


def _changed() -> None:
    global _generation
    with _generation_lock:
        _generation += 1
