"""The Reminders page keeps the chosen segment across live updates: fixed labels, counts beside."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from core.database import close_shared
from core.funnel import SEGMENTS
from core.settings import Settings, install_settings
from mailpulse.server import DASHBOARD
from tests.dashboard.test_pages import load

PAGE = "app_pages/reminders.py"


@pytest.fixture
def reminders(settings: Settings) -> Iterator[AppTest]:
    install_settings(settings)
    load(settings, "sample_batch_survey_synthetic.json", "sample_batch.json")
    app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
    app.switch_page(PAGE).run()
    yield app
    close_shared(settings.db)


def test_a_segment_label_carries_words_and_no_live_count(reminders: AppTest) -> None:
    radio = reminders.radio(key="reminders_segment")
    assert len(radio.options) == len(SEGMENTS)
    assert not any(ch.isdigit() for label in radio.options for ch in label)
    assert "Opened, not clicked" in radio.options


def test_a_chosen_segment_stays_chosen_when_the_page_reruns(reminders: AppTest) -> None:
    reminders.radio(key="reminders_segment").set_value("unclicked").run()
    reminders.run()
    assert reminders.radio(key="reminders_segment").value == "unclicked"
    assert not reminders.exception
