"""A 100k-employee roster uploads through the real server's limits, in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness.server import Server
from simulator.company import build_company, roster_csv

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    server.start()
    yield server
    server.stop()


def test_a_roster_of_100k_employees_uploads_and_imports(
    served: Server, page: Page, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_csv(build_company(100_000)))
    page.goto(f"{served.url}/setup")
    expect(page.get_by_role("heading", name="Setup")).to_be_visible(timeout=30_000)
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(roster)
    page.get_by_role("button", name="Import roster").click()
    expect(page.get_by_text("Roster imported: 100,000 new")).to_be_visible(timeout=60_000)
