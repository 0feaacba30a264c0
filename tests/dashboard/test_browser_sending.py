"""HR sends the invitation from the Reminders page in Chromium, through a real `mailpulse serve`
and the fake Mail Send API: preview, confirm, progress, result, and the same counts in `sends`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness.server import Server
from simulator.mailsend import FakeMailSend
from tests.dashboard.test_browser_roles import sign_in
from tests.dashboard.test_roles import PASSWORD
from tests.factories import batch, event

pytestmark = pytest.mark.browser
PEOPLE = 2100  # three requests (1000, 1000, 100): the bar moves between them
DELIVERED = 5  # already mailed by another tool: the campaign has events, they are not invited


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, FakeMailSend]]:
    fake = FakeMailSend(delay=1.0)
    server = Server(tmp_path)
    server.env |= {"MAILPULSE_SENDGRID_API_URL": fake.start(),
                   "MAILPULSE_SENDGRID_API_KEY": fake.api_key,
                   "MAILPULSE_FROM_EMAIL": "hr@corp.example"}  # fmt: skip
    server.start()
    (tmp_path / "roster.csv").write_text("employee_id,email,name\n" + "".join(
        f"E{n:04},e{n}@corp.example,Person {n}\n" for n in range(1, PEOPLE + 1)
    ))  # fmt: skip
    (tmp_path / "invite.html").write_text("<p>Hi {{ first_name }}: {{ survey_link }}</p>")
    (tmp_path / "pw").write_text(PASSWORD + "\n")
    for command in [
        ("roster", "import", str(tmp_path / "roster.csv")),
        ("campaigns", "create", "s26", "--subject", "Your say", "--survey-url",
         "https://survey.example/?t={token}", "--body", str(tmp_path / "invite.html")),
        ("users", "add", "hr@corp.example", "--role", "hr", "--password-file",
         str(tmp_path / "pw")),
    ]:  # fmt: skip
        done = server.cli(*command)
        assert done.returncode == 0, done.stderr
    body = batch(*(event(email=f"e{n}@corp.example", employee_id=f"E{n:04}", campaign="s26")
                   for n in range(1, DELIVERED + 1)))  # fmt: skip
    assert server.post(server.token(), body).status_code == 200
    yield server, fake
    server.stop()
    fake.stop()


def test_hr_previews_confirms_and_watches_the_invitation_go_out(served, page: Page) -> None:
    server, fake = served
    invited = PEOPLE - DELIVERED
    sign_in(page, server, "hr@corp.example")
    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Reminders · s26")).to_be_visible(timeout=30_000)
    page.get_by_text("Never mailed", exact=True).click()

    expect(page.get_by_text(re.compile(f"{invited:,} would get the invitation now"))).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_test_id("stCode")).to_contain_text("<p>Hi Person: https://survey.example/")
    page.get_by_role("button", name=f"Send to these {invited:,} people…").click()
    expect(page.get_by_text(f"This mails {invited:,} people now")).to_be_visible()
    page.get_by_role("button", name=f"Send {invited:,} invitations").click()

    expect(page.get_by_text(re.compile(f"of {invited:,} handed to SendGrid"))).to_be_visible()
    finished = f"Job 1 finished: {invited:,} accepted, 0 uncertain, 0 failed."
    expect(page.get_by_text(finished)).to_be_visible(timeout=20_000)
    assert len(fake.recipients()) == invited and fake.requests == 3

    listed = server.cli("sends", "--campaign", "s26", "--json")
    (job,) = json.loads(listed.stdout)["jobs"]
    assert job["requested_by"] == "hr@corp.example"
    assert job["counts"] == {"queued": 0, "accepted": invited, "sending": 0, "uncertain": 0,
                             "failed": 0}  # fmt: skip
