"""Users, passwords and the wait after failed sign-ins, on the real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import audit, passwords, users
from core.database import Database
from core.errors import UserError

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_password_is_stored_as_a_salted_scrypt_hash_never_as_itself(db: Database) -> None:
    users.add(db, "HR@corp.example", "hr", "correct horse", "cli:test")
    with db.cursor() as cur:
        (stored,) = cur.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert passwords.verify("correct horse", stored) and not passwords.verify("wrong", stored)
    assert stored != passwords.hash_password("correct horse")  # a fresh salt each time
    assert "password" not in str(users.listed(db)).replace("has_password", "")


def test_the_right_password_signs_in_with_the_users_role(db: Database) -> None:
    users.add(db, "hr@corp.example", "hr", "correct horse", "cli:test")
    assert users.sign_in(db, " HR@corp.example ", "correct horse").role == "hr"


def test_five_failures_in_15_minutes_lock_the_email_even_with_the_right_password(
    db: Database,
) -> None:
    users.add(db, "hr@corp.example", "hr", "correct horse", "cli:test")
    for minute in range(5):
        with pytest.raises(users.SignInRefused, match="do not match"):
            users.sign_in(db, "hr@corp.example", "guess", now=T0 + timedelta(minutes=minute * 3))
    last = T0 + timedelta(minutes=12)
    with pytest.raises(users.SignInRefused, match="wait 15 minutes"):
        users.sign_in(db, "hr@corp.example", "correct horse", now=last + timedelta(minutes=14))
    signed = users.sign_in(db, "hr@corp.example", "correct horse", now=last + timedelta(minutes=16))
    assert signed.role == "hr"


def test_failures_spread_over_more_than_15_minutes_lock_nobody(db: Database) -> None:
    users.add(db, "hr@corp.example", "hr", "correct horse", "cli:test")
    for minute in range(5):
        with pytest.raises(users.SignInRefused, match="do not match"):
            users.sign_in(db, "hr@corp.example", "guess", now=T0 + timedelta(minutes=minute * 4))
    assert users.locked_until(db, "hr@corp.example", T0 + timedelta(minutes=17)) is None


def test_an_unknown_email_is_refused_like_a_wrong_password_and_locks_too(db: Database) -> None:
    for _ in range(5):
        with pytest.raises(users.SignInRefused, match="do not match"):
            users.sign_in(db, "nobody@corp.example", "guess", now=T0)
    assert users.locked_until(db, "nobody@corp.example", T0) is not None


def test_the_shared_password_waits_after_five_failures_and_logs_each_without_the_password(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    for minute in range(5):
        with pytest.raises(users.SignInRefused, match="not right"):
            users.sign_in_shared(db, "guess-xyz", "s3cret-pw", now=T0 + timedelta(minutes=minute))
    with pytest.raises(users.SignInRefused, match="wait 15 minutes"):
        users.sign_in_shared(db, "s3cret-pw", "s3cret-pw", now=T0 + timedelta(minutes=18))
    users.sign_in_shared(db, "s3cret-pw", "s3cret-pw", now=T0 + timedelta(minutes=20))
    logged = [r.getMessage() for r in caplog.records if r.name == "core.users"]
    assert logged.count("A sign-in as shared-password failed.") == 5 and len(logged) == 6
    assert not any("guess-xyz" in line or "s3cret-pw" in line for line in logged)
    trail = [row["action"] for row in audit.since(db)]
    assert trail == ["sign_in_failed"] * 5 + ["sign_in_refused", "sign_in"]


def test_every_sign_in_and_user_change_leaves_an_audit_row(db: Database) -> None:
    users.add(db, "hr@corp.example", "hr", "correct horse", "cli:ops")
    users.sign_in(db, "hr@corp.example", "correct horse")
    with pytest.raises(users.SignInRefused):
        users.sign_in(db, "hr@corp.example", "guess")
    users.remove(db, "hr@corp.example", "cli:ops")
    trail = [(row["actor"], row["action"]) for row in audit.since(db)]
    assert trail == [
        ("cli:ops", "user_add"), ("hr@corp.example", "sign_in"),
        ("hr@corp.example", "sign_in_failed"), ("cli:ops", "user_remove"),
    ]  # fmt: skip


def test_a_bad_role_or_a_short_password_is_refused_with_a_sentence(db: Database) -> None:
    with pytest.raises(UserError, match="Unknown role"):
        users.add(db, "x@corp.example", "boss", "long enough", "cli:test")
    with pytest.raises(UserError, match="8 characters"):
        users.add(db, "x@corp.example", "hr", "short", "cli:test")


def test_the_reporting_line_goes_down_every_level_and_survives_a_cycle(db: Database) -> None:
    with db.cursor() as cur:
        cur.execute(
            "INSERT INTO roster (employee_id, email, manager_id) VALUES "
            "('A', 'a@x.io', 'C'), ('B', 'b@x.io', 'A'), ('C', 'c@x.io', 'B'), ('D', 'd@x.io', 'C')"
        )
    assert users.reporting_line(db, "A") == ["B", "C", "D"]
    assert users.reporting_line(db, "D") == []
