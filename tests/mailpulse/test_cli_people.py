"""`users`, `audit`, and the audit row every CLI export, import and change leaves behind."""

import getpass
import json
from pathlib import Path

from core.database import Database
from mailpulse.cli import main

# The fixtures of the CLI report tests: a database with the synthetic survey and its roster.
from tests.mailpulse.test_cli_reports import SURVEY, environment, survey  # noqa: F401

ME = f"cli:{getpass.getuser()}"


def audit_json(capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["audit", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_users_add_list_remove_never_print_a_password(environment: Path, capsys) -> None:  # noqa: F811
    (environment / "pw").write_text("a long secret\nignored\n")
    assert main(["users", "add", "HR@corp.example", "--role", "hr", "--password-file", "pw"]) == 0
    assert main(["users", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert "a long secret" not in out and "scrypt" not in out
    assert json.loads(out.split("\n", 1)[1])[0] | {"created_at": None} == {
        "email": "hr@corp.example", "role": "hr", "has_password": True, "created_at": None,
    }  # fmt: skip
    assert main(["users", "remove", "hr@corp.example"]) == 0
    assert main(["users", "remove", "hr@corp.example"]) == 1
    assert "There is no user hr@corp.example" in capsys.readouterr().err


def test_an_export_an_import_and_a_user_change_each_leave_an_audit_row(survey, capsys) -> None:  # noqa: F811
    assert (
        main(["reminders", "--campaign", SURVEY, "--segment", "unopened", "--output", "r.csv"]) == 0
    )
    assert main(["users", "add", "boss@corp.example", "--role", "manager"]) == 0
    rows = audit_json(capsys)
    assert [(r["actor"], r["action"]) for r in rows] == [
        (ME, "roster_import"), (ME, "export"), (ME, "user_add"),
    ]  # fmt: skip
    export = rows[1]
    assert (export["campaign"], export["segment"]) == (SURVEY, "unopened")
    assert export["rows"] == (survey / "r.csv").read_bytes().count(b"\r\n") - 1
    assert set(export) == {"at", "actor", "action", "campaign", "segment", "rows", "detail"}


def test_an_export_that_cannot_be_audited_is_not_served(survey, capsys) -> None:  # noqa: F811
    db = Database(survey / "m.duckdb")
    db.write(lambda con: con.execute("DROP TABLE audit"))  # the trail is gone: writes fail
    db.close()
    capsys.readouterr()
    assert main(["reminders", "--campaign", SURVEY, "--segment", "unopened"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "export is refused" in err


def test_audit_since_leaves_out_older_rows(survey, capsys) -> None:  # noqa: F811
    assert main(["audit", "--since", "2999-01-01T00:00:00+00:00", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["audit", "--since", "yesterday"]) == 1


def test_forget_and_purge_from_the_cli_are_audited_without_naming_anyone(survey, capsys) -> None:  # noqa: F811
    assert main(["forget", "--email", "anna.meier@corp.example"]) == 0
    assert main(["purge", "--campaign", SURVEY]) == 0
    assert main(["forget", "--employee", "E1"]) == 1
    rows = audit_json(capsys)[-2:]
    assert [(r["action"], r["rows"], r["detail"]) for r in rows] == [
        ("forget", 1, "one person erased"), ("purge", 7, None),
    ]  # fmt: skip
    assert "anna" not in json.dumps(rows)


def test_client_changes_and_a_completions_import_each_leave_an_audit_row(survey, capsys) -> None:  # noqa: F811
    (survey / "done.csv").write_text("email,completed_at\nBEN.OKAFOR@corp.example,2025-01-08\n")
    assert main(["completions", "import", "done.csv", "--campaign", SURVEY]) == 0
    capsys.readouterr()
    assert main(["clients", "create", "sg-prod", "--json"]) == 0
    secret = json.loads(capsys.readouterr().out)["client_secret"]
    assert main(["clients", "revoke", "sg-prod"]) == 0
    rows = audit_json(capsys)[1:]  # after the survey fixture's roster import
    assert [(r["actor"], r["action"], r["campaign"], r["rows"]) for r in rows] == [
        (ME, "completions_import", SURVEY, 1), (ME, "client_create", None, None),
        (ME, "client_revoke", None, None),
    ]  # fmt: skip
    assert secret not in json.dumps(rows)
