"""The pages as a user drives them in Chromium: live figures that do not fade, the People
filters, the Teams search, and the Excel downloads of a reminder segment."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from harness.server import Server
from tests.dashboard.test_teams_page import CAMPAIGN, roster_text, story
from tests.factories import batch, event

pytestmark = pytest.mark.browser
SAMPLE_OPACITY = """() => Math.min(...[...document.querySelectorAll(
    '[data-testid="stElementContainer"]')].filter(e => e.offsetHeight > 0).map(
    e => Number(getComputedStyle(e).opacity)))"""  # what can be seen: a <style> has no height


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "timezone_id": "Europe/Zurich"}  # a viewer in Zurich


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("pages")
    server = Server(folder)
    server.start()
    (folder / "roster.csv").write_text(roster_text().replace("Boss 03", "Jürgen Müller"))
    assert server.cli("roster", "import", str(folder / "roster.csv")).returncode == 0
    server.sendgrid = server.token()
    assert server.post(server.sendgrid, batch(*story())).status_code == 200
    yield server
    server.stop()


def open_page(page: Page, served: Server, name: str) -> None:
    page.goto(served.url)
    expect(page.get_by_role("heading", name=re.compile("Overview"))).to_be_visible(timeout=30_000)
    if name != "Overview":
        page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=f"{name} · {CAMPAIGN}")).to_be_visible()


def test_the_overview_redraws_only_new_data_and_without_fading(served: Server, page: Page) -> None:
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(len(f))))
    open_page(page, served, "Overview")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    opened = page.get_by_test_id("stMetric").filter(has=page.get_by_text("Opened", exact=True))
    before = opened.get_by_test_id("stMetricValue").inner_text()
    page.wait_for_timeout(1_000)
    received.clear()
    page.wait_for_timeout(6_000)  # a check (every 5 s), nothing new: nothing redrawn
    idle = sum(received)
    received.clear()
    opens = batch(event(email="e1.4@corp.example", event="open", campaign=CAMPAIGN))
    assert served.post(served.sendgrid, opens).status_code == 200
    lowest = 1.0
    for _ in range(70):  # 7 s: at least one check
        lowest = min(lowest, page.evaluate(SAMPLE_OPACITY))
        page.wait_for_timeout(100)
    expect(opened.get_by_test_id("stMetricValue")).to_have_text(f"{int(before) + 1}")
    assert lowest == 1.0
    assert idle * 3 < sum(received), (idle, sum(received))  # measured: ~3 KB idle, ~21 KB redrawn


def test_the_people_filters_narrow_the_table(served: Server, page: Page) -> None:
    open_page(page, served, "People")
    expect(
        page.get_by_text("74 of 74 people · times in your time zone, Europe/Zurich")
    ).to_be_visible(timeout=20_000)
    page.get_by_role("combobox", name=re.compile("Stage")).click()
    page.get_by_role("option", name="Delivered, not opened").click()
    page.keyboard.press("Escape")
    # Bosses 01-04 have 4, 3, 2, 1 delivered, not opened (one less once the Overview's test ran)
    expect(page.get_by_text(re.compile(r"^(9|10) of 74 people"))).to_be_visible()
    page.get_by_label("Search name or email").fill("e2.")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"^3 of 74 people"))).to_be_visible()


def test_the_teams_search_finds_a_manager_and_their_reporting_line(
    served: Server, page: Page
) -> None:
    open_page(page, served, "Teams")
    page.get_by_text("Manager", exact=True).click()
    expect(page.get_by_text(re.compile(r"^The 5 highest and the 5 lowest"))).to_be_visible()
    page.get_by_role("combobox", name=re.compile("Find a manager")).fill("Müll")
    page.get_by_role("option", name="Jürgen Müller").click()
    expect(page.get_by_text("Reporting line: Owner › Chief › Jürgen Müller")).to_be_visible()


def test_the_excel_downloads_carry_the_clis_rows(
    served: Server, page: Page, tmp_path: Path
) -> None:
    open_page(page, served, "Reminders")
    page.get_by_text("Delivered, not opened", exact=True).click()
    expect(page.get_by_role("button", name=re.compile(r"Download unopened\.csv"))).to_be_visible()
    page.get_by_text(re.compile("^For Excel")).click()
    expect(page.get_by_role("checkbox", name=re.compile("^For Excel"))).to_be_checked()
    page.wait_for_timeout(500)  # the fragment's rerun replaces the buttons
    with page.expect_download() as csv_download:
        page.get_by_role("button", name=re.compile(r"Download unopened\.csv")).click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name=re.compile(r"Download unopened\.xlsx")).click()
    cli = served.cli("reminders", "--campaign", CAMPAIGN, "--segment", "unopened",
                     "--output", str(tmp_path / "cli.csv"))  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    expected = (tmp_path / "cli.csv").read_bytes()
    assert Path(csv_download.value.path()).read_bytes() == b"\xef\xbb\xbf" + expected
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    assert sheet.max_row == expected.count(b"\r\n")
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert ",".join(header[:14]).encode() == expected.split(b"\r\n")[0]  # the SPEC's 14
    assert header[14:] == ["location", "timezone"]  # the .xlsx only
    assert xlsx_download.value.suggested_filename == f"reminders-{CAMPAIGN}-unopened.xlsx"


def test_reminders_keep_the_chosen_segment_across_live_updates(
    served: Server, page: Page, tmp_path: Path
) -> None:
    open_page(page, served, "Reminders")
    page.get_by_text("Opened, not clicked", exact=True).click()
    button = page.get_by_role("button", name=re.compile(r"Download unclicked\.csv"))
    expect(button).to_be_visible()
    count = int(re.search(r"\((\d+) people\)", button.inner_text())[1])
    opens = batch(event(email="e2.4@corp.example", event="open", campaign=CAMPAIGN))
    assert served.post(served.sendgrid, opens).status_code == 200
    expect(button).to_have_text(re.compile(rf"\({count + 1} people\)"), timeout=15_000)
    expect(page.get_by_role("radio", name="Opened, not clicked")).to_be_checked()
    with page.expect_download() as download:
        button.click()
    cli = served.cli("reminders", "--campaign", CAMPAIGN, "--segment", "unclicked",
                     "--output", str(tmp_path / "cli.csv"))  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert Path(download.value.path()).read_bytes() == (tmp_path / "cli.csv").read_bytes()
