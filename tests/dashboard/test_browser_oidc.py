"""OIDC sign-in through `st.login` against a local provider, in Chromium: the email claim is
a user (hr) or a roster employee with reports (a manager nobody added); each sign-in is audited."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from harness.oidc import Provider
from harness.server import Server
from tests.dashboard.test_browser_roles import metric
from tests.dashboard.test_roles import ROSTER, delivered_to_everyone

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("oidc")
    provider = Provider(folder)
    provider.start()
    server = Server(folder)
    server.env["HOME"] = str(folder / "home")  # Streamlit reads ~/.streamlit/secrets.toml
    provider.secrets(folder / "home", server.url)
    server.start()
    (folder / "roster.csv").write_text(ROSTER)
    assert server.cli("roster", "import", str(folder / "roster.csv")).returncode == 0
    assert server.cli("users", "add", "hr@corp.example", "--role", "hr").returncode == 0
    body = delivered_to_everyone()
    assert server.post(server.token(), body).status_code == 200
    yield server
    server.stop()
    provider.stop()


def sign_in(page: Page, served: Server, email: str) -> None:
    page.goto(served.url)
    page.get_by_role("button", name="Sign in").click(timeout=30_000)
    page.get_by_placeholder("sub").fill(email)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()


def sign_ins(served: Server) -> list[tuple[str, str]]:
    trail = json.loads(served.cli("audit", "--json").stdout)
    return [(row["actor"], row["action"]) for row in trail if "sign_in" in row["action"]]


def test_a_roster_manager_signs_in_without_being_added_and_sees_only_aggregates(
    served: Server, page: Page
) -> None:
    sign_in(page, served, "m1@corp.example")
    expect(page.get_by_role("heading", name="Overview · c1")).to_be_visible(timeout=30_000)
    expect(metric(page, "Invited")).to_have_text("8")
    expect(page.get_by_text("Signed in as m1@corp.example (manager)")).to_be_visible()
    expect(page.get_by_role("link", name="Teams")).to_be_visible()
    expect(page.get_by_role("link", name="People")).to_have_count(0)
    text = page.locator("body").inner_text().replace("m1@corp.example", "")
    assert "@" not in text
    assert ("m1@corp.example", "sign_in") in sign_ins(served)


def test_hr_signs_in_by_the_email_claim_and_reaches_people(served: Server, page: Page) -> None:
    sign_in(page, served, "hr@corp.example")
    expect(metric(page, "Invited")).to_have_text("13", timeout=30_000)
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People · c1")).to_be_visible()
    expect(page.get_by_role("link", name="Audit")).to_have_count(0)
    page.get_by_role("link", name="Reminders").click()
    page.get_by_text("Delivered, not opened", exact=True).click()
    with page.expect_download() as started:  # beside Streamlit's own sign-in cookie
        page.get_by_role("button", name=re.compile("Download unopened.csv")).click()
    assert "s1@corp.example" in started.value.path().read_text()
    assert ("hr@corp.example", "sign_in") in sign_ins(served)


def test_an_email_nobody_knows_is_refused_and_the_refusal_audited(
    served: Server, page: Page
) -> None:
    sign_in(page, served, "s1@corp.example")  # on the roster, but manages nobody
    expect(page.get_by_text("Your account has no access")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    assert ("s1@corp.example", "sign_in_refused") in sign_ins(served)
