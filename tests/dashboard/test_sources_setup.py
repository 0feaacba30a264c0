from datetime import UTC, datetime

from streamlit.testing.v1 import AppTest

from core import sql
from core.database import shared
from core.settings import Settings
from dashboard import words
from tests.dashboard.test_pages import dashboard_settings, run_page  # noqa: F401 (a fixture)


def form_inputs(app: AppTest, label: str):
    return next(t for t in app.text_input if t.label == label)


def test_the_setup_page_adds_a_standard_source_and_shows_its_secret_once(
    dashboard_settings: Settings,  # noqa: F811
) -> None:
    app = run_page("app_pages/setup.py")
    assert any("MAILPULSE_TEAMS_OUTGOING_TOKEN" in i.value for i in app.info)
    assert any(t.value.endswith("/api/webhooks/teams") for t in app.text_input)
    form_inputs(app, "Source name").input("flow")
    next(b for b in app.button if b.label == "Add source").click().run()
    shown = [c.value for c in app.code if "webhooks/completions/flow" in c.value]
    assert shown and "Secret: whsec_" in shown[0]
    app.run()
    assert not [c for c in app.code if "whsec_" in c.value]


def test_the_receiver_page_lists_the_alerts_raised(dashboard_settings: Settings) -> None:  # noqa: F811
    db = shared(dashboard_settings.db)
    params = {"raised_at": datetime.now(UTC), "kind": "silence", "condition": "silence:x",
              "title": "Receiver silent", "text": "No SendGrid batch for 61 minutes."}  # fmt: skip
    db.write(lambda con: con.execute(sql.text("insert_alert"), params).fetchall())
    app = run_page("app_pages/receiver.py")
    assert not app.exception
    frames = [d.value for d in app.dataframe]
    assert any("Receiver silent" in f.to_string() for f in frames if "title" in f.columns)


def test_the_setup_page_says_sendgrid_needs_a_public_https_address(
    dashboard_settings: Settings,  # noqa: F811
) -> None:
    app = run_page("app_pages/setup.py")
    assert any("public HTTPS address" in c.value for c in app.caption)


def test_a_refused_source_is_told_in_escaped_words(dashboard_settings: Settings) -> None:  # noqa: F811
    app = run_page("app_pages/setup.py")
    form_inputs(app, "Source name").input("[x](http://evil/a)")
    next(b for b in app.button if b.label == "Add source").click().run()
    assert app.error[0].value.startswith(words.md("A source name must be non-empty"))
