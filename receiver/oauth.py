"""OAuth 2.0 client credentials as ORDS offers them: clients with roles, hashed secrets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

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


def revoke_client(con: duckdb.DuckDBPyConnection, name_or_id: str) -> str:
    revoked = con.execute(sql.text("revoke_client"), {"name_or_id": name_or_id}).fetchall()
    if not revoked:
        raise UnknownClient(f"No active client is named or has the id {name_or_id!r}.")
    client_id = revoked[0][0]
    con.execute(sql.text("delete_client_tokens"), {"client_id": client_id})
    return client_id


class Tokens:
    """Issues and checks bearer tokens; each check reads the database, so revoking is immediate."""

    def __init__(self, db: Database, ttl_seconds: int) -> None:
        self._db = db
        self.ttl_seconds = ttl_seconds

    def login(self, client_id: str, secret: str) -> tuple[str, ...] | None:
        """The client's roles when its secret is right, else None (same work either way)."""
        rows = self._db.rows("client_for_login", client_id=client_id)
        stored, roles = rows[0] if rows else ("0" * 64, [])
        ok = hmac.compare_digest(digest(secret), stored)
        return tuple(roles) if ok and rows else None

    def issue(self, client_id: str) -> str:
        token = secrets.token_urlsafe(32)
        params = {"token_hash": digest(token), "client_id": client_id, "ttl": self.ttl_seconds}
        self._db.write(lambda con: con.execute(sql.text("insert_token"), params))
        return token

    def principal(self, token: str) -> Principal | None:
        """Who holds `token`, or None when it is unknown, expired or its client revoked."""
        rows = self._db.rows("token_owner", token_hash=digest(token))
        if not rows:
            return None
        client_id, roles, expires_at = rows[0]
        return Principal(client_id, tuple(roles), expires_at)
