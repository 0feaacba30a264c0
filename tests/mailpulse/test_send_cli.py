"""`mailpulse send` and `sends` beside a real `mailpulse serve`, against the fake Mail Send API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.database import Database
from harness.server import Server
from mailpulse.cli import main
from simulator.mailsend import FakeMailSend
from tests.factories import batch, event
from tests.funnel_events import ingest_body


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, FakeMailSend]]:
    fake = FakeMailSend()
    server = Server(tmp_path)
    server.env |= {"MAILPULSE_SENDGRID_API_URL": fake.start(),
                   "MAILPULSE_SENDGRID_API_KEY": fake.api_key,
                   "MAILPULSE_FROM_EMAIL": "hr@corp.example"}  # fmt: skip
    server.start()
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,email,name\nE1,a@corp.example,Ann Lee\nE2,b@corp.example,Bo\n")
    body = tmp_path / "invite.html"
    body.write_text("<p>Hi {{ first_name }}: <a href='{{ survey_link }}'>survey</a></p>")
    assert server.cli("roster", "import", str(roster)).returncode == 0
    created = server.cli(
        "campaigns",
        "create",
        "s26",
        "--subject",
        "Your say",
        "--survey-url",
        "https://survey.example/?t={token}",
        "--body",
        str(body),
    )
    assert created.returncode == 0, created.stderr
    yield server, fake
    server.stop()
    fake.stop()


def test_a_send_through_the_server_mails_everyone_once_and_sends_lists_it(served) -> None:
    server, fake = served
    dry = server.cli("send", "--campaign", "s26", "--segment", "not_sent", "--dry-run")
    assert dry.returncode == 0 and "2 would get the invitation" in dry.stdout
    assert "Hi Ann:" in dry.stdout and fake.requests == 0
    sent = server.cli("send", "--campaign", "s26", "--segment", "not_sent")
    assert sent.returncode == 0, sent.stderr
    again = server.cli("send", "--campaign", "s26", "--segment", "not_sent")
    assert again.returncode == 0 and "Nobody to mail" in again.stdout
    jobs = json.loads(server.cli("sends", "--campaign", "s26", "--json").stdout)["jobs"]
    assert [j["counts"]["accepted"] for j in jobs] == [0, 2]
    mails = json.loads(
        server.cli("sends", "--campaign", "s26", "--employee", "E1", "--json").stdout
    )
    assert [m["state"] for m in mails["mails"]] == ["accepted"]
    assert sorted(a["employee_id"] for a in fake.recipients()) == ["E1", "E2"]
    assert fake.api_key not in server.log.read_text()


def test_a_send_shows_its_progress_while_it_runs_and_a_summary_at_the_end(served) -> None:
    server, fake = served
    fake.delay = 1.5  # SendGrid takes its time: the command follows the job meanwhile
    sent = server.cli("send", "--campaign", "s26", "--segment", "not_sent")
    assert sent.returncode == 0, sent.stderr
    *progress, summary = sent.stdout.rstrip().splitlines()
    assert progress and all(
        re.fullmatch(r"  job 1: [0-2] of 2 handed to SendGrid \([0-2] accepted\)", line)
        for line in progress
    ), sent.stdout
    assert summary == "Job 1: 0 queued, 2 accepted, 0 sending, 0 uncertain, 0 failed."


def test_a_send_sendgrid_refuses_ends_with_who_failed_and_why_and_fails(served) -> None:
    server, fake = served
    fake.fault(400)
    sent = server.cli("send", "--campaign", "s26", "--segment", "not_sent")
    assert sent.returncode == 1
    lines = sent.stdout.rstrip().splitlines()
    failed = [line for line in lines if line.startswith("  failed ")]
    assert "Job 1: 0 queued, 0 accepted, 0 sending, 0 uncertain, 2 failed." in lines
    assert [line.split(":")[0] for line in failed] == ["  failed E1", "  failed E2"]
    assert all("Internal server error" in line for line in failed)


def test_send_refuses_a_purged_campaign_in_one_sentence(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in [("DB", "m.duckdb"), ("SENDGRID_API_KEY", "SG.unused"),
                        ("SENDGRID_API_URL", "http://127.0.0.1:9"),  # nothing ever answers
                        ("FROM_EMAIL", "hr@corp.example")]:  # fmt: skip
        monkeypatch.setenv(f"MAILPULSE_{name}", value)
    (tmp_path / "roster.csv").write_text("employee_id,email\nE1,a@corp.example\n")
    (tmp_path / "body.txt").write_text("{{ survey_link }}")
    assert main(["roster", "import", "roster.csv"]) == 0
    assert main(["campaigns", "create", "s26", "--subject", "S", "--body", "body.txt",
                 "--survey-url", "https://s.example/?t={token}"]) == 0  # fmt: skip
    db = Database(tmp_path / "m.duckdb")
    ingest_body(db, batch(event(email="a@corp.example", campaign="s26")))
    db.close()
    assert main(["purge", "--campaign", "s26"]) == 0
    capsys.readouterr()
    assert main(["send", "--campaign", "s26", "--segment", "not_sent"]) == 1
    assert "its people were purged; define a new campaign" in capsys.readouterr().err
