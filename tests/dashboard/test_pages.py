"""Every page runs through Streamlit's AppTest on an empty database and on real fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from streamlit.testing.v1 import AppTest

from core.database import close_shared, shared
from core.settings import Settings, install_settings
from mailpulse.server import DASHBOARD
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many
from tests.conftest import fixture_bytes

ENTRY = str(DASHBOARD)
PAGES = [
    "app_pages/overview.py",
    "app_pages/people.py",
    "app_pages/teams.py",
    "app_pages/reminders.py",
    "app_pages/receiver.py",
    "app_pages/setup.py",
]


@pytest.fixture
def dashboard_settings(settings: Settings) -> Iterator[Settings]:
    install_settings(settings)
    yield settings
    close_shared(settings.db)


def load(settings: Settings, *names: str) -> None:
    database = shared(settings.db)
    for name in names:
        delivery = Delivery(fixture_bytes(name), "test", datetime.now(UTC))
        database.write(lambda con, d=delivery: store_many(con, [(d, parse(d, Fields()))]))


def run_page(page_file: str) -> AppTest:
    app = AppTest.from_file(ENTRY, default_timeout=30).run()
    if page_file != PAGES[0]:
        app.switch_page(page_file).run()
    return app


@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_runs_on_an_empty_database(dashboard_settings: Settings, page_file: str) -> None:
    app = run_page(page_file)
    assert not app.exception


@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_runs_with_the_synthetic_survey_loaded(
    dashboard_settings: Settings, page_file: str
) -> None:
    load(dashboard_settings, "sample_batch_survey_synthetic.json", "sample_batch.json")
    app = run_page(page_file)
    assert not app.exception


def test_the_receiver_page_shows_what_arrived(dashboard_settings: Settings) -> None:
    load(dashboard_settings, "sample_batch.json")
    app = run_page("app_pages/receiver.py")
    values = {m.label: m.value for m in app.metric}
    assert values["Batches"] == "1"
    assert values["Events stored"] == "17"
    assert values["Duplicates skipped"] == "1"


def test_a_password_keeps_the_dashboard_closed_until_given(settings: Settings) -> None:
    protected = settings.model_copy(update={"dashboard_password": SecretStr("s3cret")})
    install_settings(protected)
    try:
        app = AppTest.from_file(ENTRY, default_timeout=30).run()
        assert not app.metric
        app.text_input[0].input("wrong")
        app.button[0].click().run()
        assert app.error and not app.metric
        app.text_input[0].input("s3cret")
        app.button[0].click().run()
        assert not app.exception and not app.text_input
    finally:
        close_shared(settings.db)
