"""Bearer tokens of the client-credentials grant: issued, held in memory, checked per post."""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from core import sql
from core.clients import digest, revocations
from core.database import Database


@dataclass(frozen=True)
class Principal:
    client_id: str
    roles: tuple[str, ...]
    expires_at: datetime


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

    def issue(self, client_id: str, roles: tuple[str, ...]) -> str | None:
        """A new token, or None when the client was revoked since its login."""
        token = secrets.token_urlsafe(32)
        params = {"token_hash": digest(token), "client_id": client_id, "ttl": self.ttl_seconds}
        seen = revocations()
        rows = self._db.write(lambda con: con.execute(sql.text("insert_token"), params).fetchall())
        if not rows:
            return None
        with self._lock:
            live = self._index()
            if self._loaded_at != seen:
                # A revoke committed since `seen`, perhaps after this token: only the database,
                # read after both commits, knows whether the token is still live.
                self._loaded_at = None
                self._index()
                return token
            now = datetime.now(UTC)
            for key in [key for key, p in live.items() if p.expires_at <= now]:
                del live[key]
            live[params["token_hash"]] = Principal(client_id, roles, rows[0][0])
        return token

    def principal(self, token: str) -> Principal | None:
        """Who holds `token`, or None when it is unknown, expired or its client revoked."""
        with self._lock:
            found = self._index().get(digest(token))
        return found if found and found.expires_at > datetime.now(UTC) else None

    def _index(self) -> dict[str, Principal]:
        if self._loaded_at != revocations():
            loaded_at = revocations()
            rows = self._db.rows("live_tokens")
            self._live = {
                key: Principal(client, tuple(roles), ends) for key, client, roles, ends in rows
            }
            self._loaded_at = loaded_at
        return self._live
