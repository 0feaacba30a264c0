import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core import funnel
from core.database import Database
from core.reminders import reminders_csv
from core.settings import Settings
from mailpulse import admin as admin_api
from mailpulse.admin import AdminAccess
from mailpulse.cli import main
from mailpulse.remote import SECRET_HEADER
from receiver.app import create_app
from receiver.events import Fields
from tests.conftest import fixture_bytes
from tests.funnel_events import ingest_body

SURVEY = "ENG-2025-Q1"
ROSTER = (
    "employee_id,email,name,department,manager\n"
    "E1001,anna.meier@corp.example,Anna Meier,Sales,E1000\n"
    "E1002,ben.okafor@corp.example,Ben Okafor,=HYPERLINK(1),E1000\n"
    "E1005,emil.berg@corp.example,Emil Berg,IT,E1000\n"
    "E1008,hana.sato@corp.example,Hana Sato,IT,E1000\n"
)


@pytest.fixture(autouse=True)
def environment(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MAILPULSE_DB", str(tmp_path / "m.duckdb"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def survey(environment) -> Path:
    """The synthetic survey's events and a roster: E1008 got nothing yet."""
    (environment / "roster.csv").write_text(ROSTER)
    assert main(["roster", "import", "roster.csv"]) == 0
    db = Database(environment / "m.duckdb")
    ingest_body(db, fixture_bytes("sample_batch_survey_synthetic.json"), Fields("survey_id"))
    db.close()
    return environment


def expected_csv(segment: str) -> bytes:
    db = Database(Settings(_env_file=None).db)
    try:
        return reminders_csv(funnel.segment(funnel.funnel(db, SURVEY, 60), segment))
    finally:
        db.close()


def test_roster_import_reports_what_changed(environment, capsys) -> None:
    (environment / "roster.csv").write_text(ROSTER)
    assert main(["roster", "import", "roster.csv"]) == 0
    assert main(["roster", "import", "roster.csv", "--replace"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Imported the roster: 4 new, 0 updated, 0 marked inactive.",
        "Imported the roster: 0 new, 4 updated, 0 marked inactive.",
    ]


def test_a_bad_roster_is_one_sentence_naming_its_lines(environment, capsys) -> None:
    (environment / "roster.csv").write_text("employee_id,email\nE1,x\nE2,\n")
    assert main(["roster", "import", "roster.csv"]) == 1
    assert capsys.readouterr().err == (
        "mailpulse: Nothing was imported: 2 lines are wrong in the roster file: "
        "line 2: the email 'x' is malformed; line 3: the email is missing.\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["roster", "import", "missing.csv"],
        ["completions", "import", "missing.csv", "--campaign", "c"],
    ],
)
def test_a_missing_file_is_one_sentence(capsys, argv) -> None:
    assert main(argv) == 1
    assert capsys.readouterr().err == "mailpulse: There is no file missing.csv.\n"


def test_a_file_that_is_not_utf8_is_one_sentence(environment, capsys) -> None:
    (environment / "roster.csv").write_bytes(
        "employee_id,email\nE1,zoë@x.example\n".encode("cp1252")
    )
    assert main(["roster", "import", "roster.csv"]) == 1
    assert (
        capsys.readouterr().err
        == "mailpulse: roster.csv is not UTF-8 text: save it as CSV UTF-8.\n"
    )


def test_completions_import_records_and_the_funnel_shows_them(survey, capsys) -> None:
    (survey / "done.csv").write_text("email,completed_at\nBEN.OKAFOR@corp.example,2025-01-08\n")
    assert main(["completions", "import", "done.csv", "--campaign", SURVEY]) == 0
    assert main(["funnel", "--campaign", SURVEY, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Recorded completions of 1 employees in {SURVEY} (1 new).\n")
    assert json.loads(out.split("\n", 1)[1])["stages"]["completed"] == 1


def test_completions_for_an_unknown_campaign_are_refused(survey, capsys) -> None:
    (survey / "done.csv").write_text("employee_id\nE1001\n")
    assert main(["completions", "import", "done.csv", "--campaign", "ENG-2052"]) == 1
    assert capsys.readouterr().err == (
        "mailpulse: There is no campaign 'ENG-2052': no event has arrived for it "
        "(`mailpulse campaigns` lists them).\n"
    )


def test_campaigns_lists_counts_and_times(survey, capsys) -> None:
    assert main(["campaigns", "--json"]) == 0
    (campaign,) = json.loads(capsys.readouterr().out)
    assert campaign["campaign"] == SURVEY and campaign["events"] == 20
    assert (campaign["first_event_at"], campaign["last_event_at"]) == (
        "2025-01-07T10:30:00+00:00",
        "2025-01-07T11:36:40+00:00",
    )
    assert main(["campaigns"]) == 0
    assert capsys.readouterr().out.startswith(f"{SURVEY:<32}         20 events  2025-01-07")


def test_campaigns_without_events_says_so(environment, capsys) -> None:
    Database(environment / "m.duckdb").close()
    assert main(["campaigns"]) == 0
    assert capsys.readouterr().out == "No campaigns yet: no event has arrived.\n"


@pytest.mark.parametrize(
    "command",
    [
        ["campaigns"],
        ["funnel", "--campaign", SURVEY],
        ["reminders", "--campaign", SURVEY, "--segment", "unopened"],
    ],
)
def test_a_read_command_on_a_missing_database_says_so_and_creates_nothing(
    command, environment, capsys
) -> None:
    assert main(command) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert str(environment / "m.duckdb") in error and "MAILPULSE_DB" in error
    assert list(environment.iterdir()) == []


def test_funnel_json_lists_every_stage_and_flag(survey, capsys) -> None:
    assert main(["funnel", "--campaign", SURVEY, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "campaign": SURVEY,
        "stages": {
            "completed": 0,
            "clicked": 1,
            "opened": 0,
            "delivered": 4,
            "bounced": 2,
            "deferred": 0,
            "sent": 0,
            "not_sent": 1,
        },
        "flags": {"opted_out": 2, "machine_open": 1, "bot_click": 1},
        "not_on_roster": dict.fromkeys(funnel.STAGES, 0),
    }


def test_funnel_as_text_is_a_table(survey, capsys) -> None:
    assert main(["funnel", "--campaign", SURVEY]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        f"{SURVEY}: 8 employees",
        "  completed              0",
        "  clicked                1",
    ]
    assert lines[-1] == "  bot_click              1"


@pytest.mark.parametrize("verb", ["funnel", "reminders"])
def test_an_unknown_campaign_is_an_error_not_zeros(survey, capsys, verb) -> None:
    argv = [verb, "--campaign", "nope"] + (["--segment", "unopened"] if verb == "reminders" else [])
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("mailpulse: There is no campaign 'nope'")


def test_an_unknown_segment_names_the_segments(survey, capsys) -> None:
    assert main(["reminders", "--campaign", SURVEY, "--segment", "everyone"]) == 1
    assert capsys.readouterr().err == (
        "mailpulse: There is no segment 'everyone'; the segments are: not_sent, undelivered, "
        "pending, unopened, unclicked, incomplete, opted_out.\n"
    )


@pytest.mark.parametrize("segment", ["unopened", "undelivered", "not_sent", "opted_out"])
def test_reminders_on_stdout_are_the_bytes_the_dashboard_downloads(
    survey, capsysbinary, segment
) -> None:
    assert main(["reminders", "--campaign", SURVEY, "--segment", segment]) == 0
    assert capsysbinary.readouterr().out == expected_csv(segment)


def test_reminders_to_a_file_are_the_same_bytes(survey, capsys) -> None:
    argv = ["reminders", "--campaign", SURVEY, "--segment", "unopened", "--output", "u.csv"]
    assert main(argv) == 0
    data = (survey / "u.csv").read_bytes()
    assert data == expected_csv("unopened")
    assert b"'=HYPERLINK(1)" in data and data.count(b"\r\n") == 4
    assert capsys.readouterr().out == f"Wrote 3 unopened reminders of {SURVEY} to u.csv.\n"


def test_reminders_through_the_admin_api_keep_every_byte(survey) -> None:
    settings = Settings(_env_file=None)
    expected = expected_csv("unopened")
    admin = AdminAccess.publish(settings.admin_file, "http://127.0.0.1:1/api/admin")
    secret = json.loads(settings.admin_file.read_text())["secret"]
    db = Database(settings.db)
    try:
        app = admin_api.attach(create_app(settings, db), admin)
        with TestClient(app, client=("127.0.0.1", 1)) as api:
            response = api.post(
                "/admin/commands/reminders_export",
                json={"campaign": SURVEY, "segment": "unopened"},
                headers={SECRET_HEADER: secret},
            )
        assert response.json()["result"]["csv"].encode("utf-8") == expected
    finally:
        db.close()
