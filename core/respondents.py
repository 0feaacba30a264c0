"""Who finished the survey: a survey token, an employee id or an email, resolved on the roster.

A survey token is an HMAC (`core.keys.survey_token`) and cannot be read back, so the tokens of
every roster employee in every known campaign are computed once and kept until the roster
changes (a cheap fingerprint of it is checked on every resolution).
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
    """Survey token → (campaign, employee_id), for one database key.

    A known token costs one cheap roster fingerprint query; an unknown one makes the tokens of
    campaigns not computed yet (the roster changed: all of them again).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._lock = threading.Lock()
        self._roster: tuple | None = None
        self._campaigns: set[str] = set()
        self._tokens: dict[str, tuple[str, str]] = {}

    def lookup(self, con: duckdb.DuckDBPyConnection, token: str) -> tuple[str, str] | None:
        roster = con.execute(sql.text("roster_state")).fetchone()
        with self._lock:
            if roster != self._roster:
                self._roster, self._campaigns, self._tokens = roster, set(), {}
            if (found := self._tokens.get(token)) is None:
                self._add_new_campaigns(con)
                found = self._tokens.get(token)
            return found

    def _add_new_campaigns(self, con: duckdb.DuckDBPyConnection) -> None:
        campaigns = {c for (c,) in con.execute(sql.text("token_campaigns")).fetchall()}
        if not campaigns - self._campaigns:
            return
        ids = [e for (e,) in con.execute(sql.text("roster_ids")).fetchall()]
        for campaign in campaigns - self._campaigns:
            tokens = keys.survey_tokens(self._key, campaign, ids)
            self._tokens.update({t: (campaign, e) for t, e in tokens.items()})
        self._campaigns |= campaigns


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
