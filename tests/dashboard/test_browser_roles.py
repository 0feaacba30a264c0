"""Real sign-ins in Chromium: a manager of a two-level team, a manager of three, and HR."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from harness.server import Server
from tests.dashboard.test_roles import PASSWORD, ROSTER, delivered_to_everyone

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("roles")
    server = Server(folder)
    server.start()
    (folder / "roster.csv").write_text(ROSTER)
    (folder / "pw").write_text(PASSWORD + "\n")
    assert server.cli("roster", "import", str(folder / "roster.csv")).returncode == 0
    for email, role in [("m1@corp.example", "manager"), ("m3@corp.example", "manager"),
                        ("hr@corp.example", "hr")]:  # fmt: skip
        done = server.cli(
            "users", "add", email, "--role", role, "--password-file", str(folder / "pw")
        )
        assert done.returncode == 0, done.stderr
    body = delivered_to_everyone()
    assert server.post(server.token(), body).status_code == 200
    yield server
    server.stop()


def sign_in(page: Page, served: Server, email: str) -> None:
    page.goto(served.url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)  # a cold server's first session: let its script run settle
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("textbox", name="Password").press("Enter")


def metric(page: Page, label: str):
    found = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=found).get_by_test_id("stMetricValue")


def no_one_but(page: Page, email: str) -> None:
    """No email address on the page but the signed-in manager's own, and no report's name."""
    text = page.locator("body").inner_text().replace(email, "")
    assert "@" not in text and "Sam 1" not in text and "Oli 1" not in text


def test_a_manager_of_three_gets_a_sentence_and_no_figure(served: Server, page: Page) -> None:
    sign_in(page, served, "m3@corp.example")
    expect(page.get_by_text(re.compile("3 people are below you"))).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    no_one_but(page, "m3@corp.example")
    page.get_by_role("link", name="Teams").click()
    expect(page).to_have_url(re.compile(r"/teams$"))
    expect(page.get_by_text(re.compile("3 people are below you"))).to_be_visible()
    expect(page.get_by_role("heading", name="Teams · c1")).to_have_count(0)
    no_one_but(page, "m3@corp.example")


def test_hr_sees_people_and_reminders(served: Server, page: Page) -> None:
    sign_in(page, served, "hr@corp.example")
    expect(metric(page, "Invited")).to_have_text("13", timeout=30_000)
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People · c1")).to_be_visible()
    expect(page.get_by_role("link", name="Audit")).to_have_count(0)
    page.get_by_role("link", name="Reminders").click()
    page.get_by_text("Delivered, not opened", exact=True).click()
    with page.expect_download():
        page.get_by_role("button", name=re.compile("Download unopened.csv")).click()

    exports = [row for row in json.loads(served.cli("audit", "--json").stdout)
               if row["action"] == "export"]  # fmt: skip
    assert [row["actor"] for row in exports] == ["hr@corp.example"]


def test_a_manager_of_a_two_level_team_sees_its_figures_and_no_one_in_it(
    served: Server, page: Page
) -> None:
    sign_in(page, served, "m1@corp.example")
    expect(page.get_by_role("heading", name="Overview · c1")).to_be_visible(timeout=30_000)
    expect(metric(page, "Invited")).to_have_text("8")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    no_one_but(page, "m1@corp.example")
    expect(page.get_by_role("link", name="People")).to_have_count(0)
    expect(page.get_by_role("link", name="Reminders")).to_have_count(0)
    page.get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", name="Teams · c1")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    no_one_but(page, "m1@corp.example")
    page.goto(f"{served.url}/people")  # a fresh load is a new session: the form, no data
    expect(page.get_by_role("textbox", name="Email")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
