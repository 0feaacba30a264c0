"""Dashboard users: who may sign in, with which role, and the wait after repeated failures."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from core import audit, passwords, sql
from core.csvfile import is_email
from core.database import Database
from core.errors import UserError

ROLES = ("admin", "hr", "manager")
SMALLEST_GROUP = 5  # managers see aggregates of at least this many people, never fewer
MAX_FAILURES = 5  # within 15 minutes: that email then waits 15 minutes (sign_in_locked_until.sql)
SHARED_PASSWORD = "shared-password"  # the single-password mode's actor, locked like an email
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the dashboard, and as what."""

    email: str
    role: str
    employee_id: str | None = None  # a manager's own roster entry: the top of their team


class SignInRefused(UserError):
    """Wrong email or password, or an email locked after too many failures."""


def normalized(email: str) -> str:
    return email.strip().lower()


def add(db: Database, email: str, role: str, password: str | None, actor: str) -> dict[str, str]:
    email = normalized(email)
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; the roles are: {', '.join(ROLES)}.")
    if not is_email(email):
        raise UserError(f"{email!r} is not an email address.")
    if password is not None and len(password) < 8:
        raise UserError("A password needs at least 8 characters.")
    hashed = passwords.hash_password(password) if password else None
    db.write(lambda con: _add(con, email, role, hashed, actor))
    return {"email": email, "role": role}


def _add(con: duckdb.DuckDBPyConnection, email: str, role: str, hashed: str | None, actor: str):
    con.execute(sql.text("user_upsert"), {"email": email, "role": role, "password_hash": hashed})
    audit.record_in(con, actor, "user_add", rows=1, detail=f"{email} as {role}")


def remove(db: Database, email: str, actor: str) -> dict[str, str]:
    email = normalized(email)
    db.write(lambda con: _remove(con, email, actor))
    return {"removed": email}


def _remove(con: duckdb.DuckDBPyConnection, email: str, actor: str) -> None:
    if not con.execute(sql.text("user_delete"), {"email": email}).fetchall():
        raise UserError(f"There is no user {email}; `mailpulse users list` lists them.")
    audit.record_in(con, actor, "user_remove", rows=1, detail=email)


def listed(db: Database) -> list[dict[str, Any]]:
    frame = db.frame("users_list")
    frame["created_at"] = frame["created_at"].map(lambda t: t.isoformat())
    return frame.to_dict(orient="records")


def any_exist(db: Database) -> bool:
    return db.rows("users_count")[0][0] > 0


def find(db: Database, email: str) -> Viewer | None:
    """The user (or, with OIDC, the roster manager) this email is, as of now."""
    email = normalized(email)
    if found := db.rows("user_by_email", email=email):
        _, role, _ = found[0]
        return Viewer(email, role, _employee_id(db, email) if role == "manager" else None)
    return None


def manager_by_roster(db: Database, email: str) -> Viewer | None:
    """With OIDC, a roster employee with reports is a manager without being added."""
    email = normalized(email)
    found = db.rows("roster_manager_by_email", email=email)
    return Viewer(email, "manager", found[0][0]) if found else None


def reporting_line(db: Database, manager_id: str | None) -> list[str]:
    """The active employees below `manager_id`, all levels down."""
    if manager_id is None:
        return []
    return [employee_id for (employee_id,) in db.rows("reporting_line", manager_id=manager_id)]


def _employee_id(db: Database, email: str) -> str | None:
    found = db.rows("roster_id_by_email", email=email)
    return found[0][0] if found else None


def sign_in(db: Database, email: str, password: str, now: datetime | None = None) -> Viewer:
    """The user, once the password matches; every attempt is audited, failures counted."""
    email, now = normalized(email), now or datetime.now(UTC)
    _refuse_if_locked(db, email, now)
    found = db.rows("user_by_email", email=email)
    if not found or not passwords.verify(password, found[0][2]):
        if not found:
            passwords.waste_time(password)  # an unknown email costs what a wrong password does
        db.write(lambda con: _failed(con, email, now))
        raise SignInRefused("That email and password do not match a user.")
    db.write(lambda con: _succeeded(con, email))
    return find(db, email) or Viewer(email, found[0][1])


def sign_in_shared(db: Database, given: str, password: str, now: datetime | None = None) -> None:
    """The single-password mode: returns once `given` is the password, with the same wait after
    5 failures in 15 minutes as one email has (whoever has the password is locked out too)."""
    now = now or datetime.now(UTC)
    _refuse_if_locked(db, SHARED_PASSWORD, now)
    if not hmac.compare_digest(given.encode(), password.encode()):
        db.write(lambda con: _failed(con, SHARED_PASSWORD, now))
        raise SignInRefused("That password is not right.")
    db.write(lambda con: _succeeded(con, SHARED_PASSWORD))


def locked_until(db: Database, email: str, now: datetime) -> datetime | None:
    (until,) = db.rows("sign_in_locked_until", email=normalized(email))[0]
    return until if until is not None and until > now else None


def _refuse_if_locked(db: Database, email: str, now: datetime) -> None:
    if (until := locked_until(db, email, now)) is not None:
        LOG.warning("A sign-in as %s was refused: locked until %s.", email, until.isoformat())
        audit.record(db, email, "sign_in_refused", detail="locked after repeated failures")
        raise SignInRefused("Too many failed sign-ins: wait 15 minutes, then try again.")


def _failed(con: duckdb.DuckDBPyConnection, email: str, now: datetime) -> None:
    con.execute(sql.text("sign_in_failures_prune"), {"at": now})
    con.execute(sql.text("sign_in_failure_insert"), {"email": email, "at": now})
    audit.record_in(con, email, "sign_in_failed")
    LOG.warning("A sign-in as %s failed.", email)  # never the password typed


def _succeeded(con: duckdb.DuckDBPyConnection, email: str) -> None:
    con.execute(sql.text("sign_in_failures_clear"), {"email": email})
    audit.record_in(con, email, "sign_in")
