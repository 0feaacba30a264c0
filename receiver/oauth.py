"""OAuth 2.0 client credentials as ORDS offers them: clients with roles, hashed secrets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from mailpulse import sql
from mailpulse.database import Database

ROLES = ("sendgrid",)


class ClientExists(Exception):
    pass


class UnknownClient(Exception):
    pass


@dataclass(frozen=True)
class NewClient:
    name: str
    client_id: str
    client_secret: str
    roles: list[str]


@dataclass(frozen=True)
class Principal:
    client_id: str
    roles: tuple[str, ...]
    expires_at: datetime


def digest(secret: str) -> str:
    """Secrets and tokens are random 256-bit strings: one SHA-256 is a safe, fast hash for them."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_client(
    con: duckdb.DuckDBPyConnection,
    name: str,
    roles: list[str],
    description: str | None = None,
    support_email: str | None = None,
) -> NewClient:
    if con.execute(sql.text("client_by_name"), {"name": name}).fetchall():
        raise ClientExists(f"A client named {name!r} exists already; pick another name.")
    client_id = secrets.token_urlsafe(16)
    secret = secrets.token_urlsafe(32)
    con.execute(
        sql.text("insert_client"),
        {
            "client_id": client_id,
            "name": name,
            "secret_hash": digest(secret),
            "roles": roles,
            "description": description,
            "support_email": support_email,
        },
    )
    return NewClient(name, client_id, secret, roles)


def revoke(db: Database, name_or_id: str) -> str:
    """Revokes a client; once this returns, none of its tokens works anywhere in this process."""
    client_id = db.write(lambda con: _revoke_client(con, name_or_id))
    forget_tokens()
    return client_id


def _revoke_client(con: duckdb.DuckDBPyConnection, name_or_id: str) -> str:
    revoked = con.execute(sql.text("revoke_client"), {"name_or_id": name_or_id}).fetchall()
    if not revoked:
        raise UnknownClient(f"No active client is named or has the id {name_or_id!r}.")
    client_id = revoked[0][0]
    con.execute(sql.text("delete_client_tokens"), {"client_id": client_id})
    return client_id


_revocations = 0  # bumped after every committed revocation: indexes of live tokens are then stale


def forget_tokens() -> None:
    """Call once a revocation is committed: indexes of live tokens reload before their next use."""
    global _revocations
    _revocations += 1


class Tokens:
    """Issues and checks bearer tokens.

    Every live token (by its hash) is held in memory, loaded from the database at the first check
    and again after any revocation: checking a token never waits for the database, and a flood of
    made-up tokens costs one hash and one lookup each. This process is the only issuer: beside a
    running server the CLI works through the server's admin API.
    """

    def __init__(self, db: Database, ttl_seconds: int) -> None:
        self._db = db
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        self._live: dict[str, Principal] = {}
        self._loaded_at: int | None = None  # the revocation count `_live` reflects

    def login(self, client_id: str, secret: str) -> tuple[str, ...] | None:
        """The client's roles when its secret is right, else None (same work either way)."""
        rows = self._db.rows("client_for_login", client_id=client_id)
        stored, roles = rows[0] if rows else ("0" * 64, [])
        ok = hmac.compare_digest(digest(secret), stored)
        return tuple(roles) if ok and rows else None

    def issue(self, client_id: str, roles: tuple[str, ...]) -> str:
        token = secrets.token_urlsafe(32)
        params = {"token_hash": digest(token), "client_id": client_id, "ttl": self.ttl_seconds}
        expires_at = self._db.write(
            lambda con: con.execute(sql.text("insert_token"), params).fetchall()[0][0]
        )
        with self._lock:
            live = self._index()
            now = datetime.now(UTC)
            for key in [key for key, p in live.items() if p.expires_at <= now]:
                del live[key]
            live[params["token_hash"]] = Principal(client_id, roles, expires_at)
        return token

    def principal(self, token: str) -> Principal | None:
        """Who holds `token`, or None when it is unknown, expired or its client revoked."""
        with self._lock:
            found = self._index().get(digest(token))
        return found if found and found.expires_at > datetime.now(UTC) else None

    def _index(self) -> dict[str, Principal]:
        if self._loaded_at != _revocations:
            loaded_at = _revocations
            rows = self._db.rows("live_tokens")
            self._live = {
                key: Principal(client, tuple(roles), ends) for key, client, roles, ends in rows
            }
            self._loaded_at = loaded_at
        return self._live
