"""Who finished the survey: a survey token, an employee id or an email, resolved on the roster.

A survey token is an HMAC (`core.keys.survey_token`) and cannot be read back, so the tokens of
every roster employee in every known campaign are computed once and kept, until the roster or
the campaigns change (a fingerprint of both is checked on every resolution, which is cheap).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb

from core import keys, sql


@dataclass(frozen=True)
class Respondent:
    """What a post says about who finished, before resolution."""

    token: str | None = None
    employee_id: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Resolved:
    employee_id: str
    campaign: str | None  # known when the token named it


class Tokens:
    """Survey token → (campaign, employee_id), for one database key."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._lock = threading.Lock()
        self._state: tuple | None = None
        self._tokens: dict[str, tuple[str, str]] = {}

    def lookup(self, con: duckdb.DuckDBPyConnection, token: str) -> tuple[str, str] | None:
        campaigns = tuple(c for (c,) in con.execute(sql.text("token_campaigns")).fetchall())
        state = (campaigns, con.execute(sql.text("roster_state")).fetchone())
        with self._lock:
            if state != self._state:
                self._tokens = self._compute(con, campaigns)
                self._state = state
            return self._tokens.get(token)

    def _compute(
        self, con: duckdb.DuckDBPyConnection, campaigns: tuple[str, ...]
    ) -> dict[str, tuple[str, str]]:
        ids = [e for (e,) in con.execute(sql.text("roster_ids")).fetchall()]
        return {
            keys.survey_token(self._key, campaign, employee_id): (campaign, employee_id)
            for campaign in campaigns
            for employee_id in ids
        }


def resolve(con: duckdb.DuckDBPyConnection, tokens: Tokens, who: Respondent) -> Resolved | str:
    """The employee, or the reason nobody on the roster matches."""
    if who.token and (found := tokens.lookup(con, who.token)):
        return Resolved(found[1], found[0])
    if (
        who.employee_id
        and con.execute(
            sql.text("roster_employee_by_id"), {"employee_id": who.employee_id}
        ).fetchall()
    ):
        return Resolved(who.employee_id, None)
    if who.email and (
        row := con.execute(sql.text("roster_employee_by_email"), {"email": who.email}).fetchone()
    ):
        return Resolved(row[0], None)
    return _unknown(who)


def _unknown(who: Respondent) -> str:
    if not (who.token or who.employee_id or who.email):
        return "the post names no respondent (no token, employee_id or email)"
    named = [n for n, v in (("token", who.token), ("employee_id", who.employee_id),
                            ("email", who.email)) if v]  # fmt: skip
    return f"nobody on the roster matches its {' or '.join(named)}"
