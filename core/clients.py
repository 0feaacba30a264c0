"""OAuth clients as ORDS keeps them: a unique name, roles, and only a hash of the secret."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import duckdb

from core import sql
from core.database import Database
from core.errors import UserError

ROLES = ("sendgrid",)


class ClientExists(UserError):
    pass


class UnknownClient(UserError):
    pass


@dataclass(frozen=True)
class NewClient:
    name: str
    client_id: str
    client_secret: str  # shown once, never stored
    roles: list[str]


def digest(secret: str) -> str:
    """Secrets and tokens are random 256-bit strings: one SHA-256 is a safe, fast hash for them."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    db: Database,
    name: str,
    role: str = "sendgrid",
    description: str | None = None,
    support_email: str | None = None,
) -> NewClient:
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; the roles are: {', '.join(ROLES)}.")
    if not name.strip():
        raise UserError("A client needs a name.")
    return db.write(
        lambda con: create_client(con, name.strip(), [role], description, support_email)
    )


def create_client(
    con: duckdb.DuckDBPyConnection,
    name: str,
    roles: list[str],
    description: str | None = None,
    support_email: str | None = None,
) -> NewClient:
    """In the writer's transaction."""
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


def listed(db: Database) -> list[dict[str, Any]]:
    """Every client, revoked ones too, with its live tokens; never a secret or a hash."""
    frame = db.frame("list_clients")
    for column in ("created_at", "revoked_at"):
        frame[column] = frame[column].map(
            lambda t: t.isoformat() if t is not None and t == t else None
        )
    frame["roles"] = frame["roles"].map(list)
    return frame.to_dict(orient="records")


def revoke(db: Database, name_or_id: str) -> str:
    """Revokes a client; once this returns, none of its tokens works anywhere in this process."""
    client_id = db.write(lambda con: _revoke_client(con, name_or_id))
    global _revocations
    _revocations += 1
    return client_id


def _revoke_client(con: duckdb.DuckDBPyConnection, name_or_id: str) -> str:
    revoked = con.execute(sql.text("revoke_client"), {"name_or_id": name_or_id}).fetchall()
    if not revoked:
        raise UnknownClient(f"No active client is named or has the id {name_or_id!r}.")
    client_id = revoked[0][0]
    con.execute(sql.text("delete_client_tokens"), {"client_id": client_id})
    return client_id


_revocations = 0  # bumped after every committed revocation: indexes of live tokens are then stale


def revocations() -> int:
    """How many revocations this process committed: a changed count means reload live tokens."""
    return _revocations
