"""A download's /media URL opens only for the browser that made it, over real HTTP: another
browser, or a client without the cookie, gets 403 with a reason."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from harness.server import Server
from mailpulse.media_owners import COOKIE
from tests.factories import batch, event

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("media")
    server = Server(folder)  # no user, no password: loopback admin
    server.start()
    people = [f"P{n},p{n}@corp.example,Pat {n},Ops," for n in range(3)]
    (folder / "roster.csv").write_text(
        "employee_id,email,name,department,manager_id\n" + "\n".join(people)
    )
    assert server.cli("roster", "import", str(folder / "roster.csv")).returncode == 0
    body = batch(*(event(email=f"p{n}@corp.example", employee_id=f"P{n}", campaign="c1")
                   for n in range(3)))  # fmt: skip
    assert server.post(server.token(), body).status_code == 200
    yield server
    server.stop()


def download_url(page: Page, served: Server) -> str:
    page.goto(f"{served.url}/reminders")
    page.get_by_text("Delivered, not opened", exact=True).click(timeout=30_000)
    with page.expect_download() as started:
        page.get_by_role("button", name=re.compile("Download unopened.csv")).click()
    download = started.value
    assert "p0@corp.example" in download.path().read_text()  # the owner's download works
    return download.url


def test_a_download_url_is_refused_to_every_client_but_the_browser_that_made_it(
    served: Server, page: Page, browser: Browser
) -> None:
    url = download_url(page, served)
    assert "/media/" in url

    refused = httpx.get(url)
    assert refused.status_code == 403 and "another browser" in refused.text
    assert httpx.get(url, cookies={COOKIE: "guessed"}).status_code == 403
    other = browser.new_context()
    try:
        other.new_page().goto(served.url)  # a browser of its own, with its own cookie
        assert other.request.get(url).status == 403
    finally:
        other.close()


def test_the_browser_cookie_is_http_only_and_set_by_the_page(served: Server) -> None:
    page = httpx.get(served.url)
    assert re.search(rf"{COOKIE}=[\w-]{{40,}}; Path=/; HttpOnly; SameSite=Strict",
                     page.headers["set-cookie"])  # fmt: skip
    health = httpx.get(f"{served.url}/_stcore/health")  # not a page: no cookie of ours
    assert COOKIE not in health.headers.get("set-cookie", "")
