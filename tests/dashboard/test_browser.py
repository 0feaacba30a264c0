"""The dashboard's main path in a real browser: pick a campaign, see the funnel, get reminders."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness.server import Server
from tests.conftest import fixture_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    server.start()
    token = server.token()
    for name in ("sample_batch.json", "sample_batch_survey_synthetic.json"):
        assert server.post(token, fixture_bytes(name)).status_code == 200
    yield server
    server.stop()


def test_a_manager_picks_a_campaign_sees_its_funnel_and_downloads_reminders(
    served: Server, page: Page, tmp_path: Path
) -> None:
    page.goto(served.url)
    expect(page.get_by_role("heading", name=re.compile("Overview"))).to_be_visible(timeout=30_000)

    page.get_by_test_id("stSidebar").get_by_role("combobox").click()
    page.get_by_role("option", name="survey-invite").click()
    expect(page.get_by_role("heading", name="Overview · survey-invite")).to_be_visible()
    label = page.get_by_test_id("stMetricLabel").get_by_text("Delivered", exact=True)
    delivered = page.get_by_test_id("stMetric").filter(has=label)
    expect(delivered.get_by_test_id("stMetricValue")).to_have_text("5")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Funnel: people who reached each step", exact=True)).to_be_visible()

    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Reminders · survey-invite")).to_be_visible()
    page.get_by_text("Delivered, not opened", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download unopened.csv")).click()
    downloaded = Path(download.value.path()).read_bytes()

    cli = served.cli("reminders", "--campaign", "survey-invite", "--segment", "unopened",
                     "--output", str(tmp_path / "cli.csv"))  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert downloaded == (tmp_path / "cli.csv").read_bytes()
    assert downloaded.startswith(b"employee_id,email,name,department,manager,stage,")
    assert downloaded.count(b"\r\n") == 1 + 3  # header, E1002, E1003, E1004
