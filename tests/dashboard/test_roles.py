"""Each page under each role through AppTest, signed in through the real form: what a manager,
hr and admin see, and that a manager never gets a person, an export or a small group."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from core import audit, roster, users
from core.database import close_shared, shared
from core.settings import Settings, install_settings
from core.users import Viewer
from dashboard import words
from mailpulse.server import DASHBOARD
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many
from tests.factories import batch, event

PASSWORD = "correct horse"
# M1 heads M2, who heads six; M1 also has one direct report (8 below M1, two levels).
# M3 has three reports: too few to show anything.
ROSTER = "employee_id,email,name,department,manager_id\n" + "\n".join(
    [
        "M1,m1@corp.example,Mia One,Board,",
        "M2,m2@corp.example,Max Two,Sales,M1",
        "D1,d1@corp.example,Dee Direct,Board,M1",
        *(f"S{n},s{n}@corp.example,Sam {n},Sales,M2" for n in range(6)),
        "M3,m3@corp.example,Moe Three,Ops,",
        *(f"O{n},o{n}@corp.example,Oli {n},Ops,M3" for n in range(3)),
    ]
)
TEAM = ["m2", "d1", *(f"s{n}" for n in range(6))]


def delivered_to_everyone() -> bytes:
    """One delivered event of campaign c1 for each employee of ROSTER."""
    ids = [line.split(",")[0] for line in ROSTER.splitlines()[1:]]
    return batch(*(event(email=f"{i.lower()}@corp.example", employee_id=i, campaign="c1")
                   for i in ids))  # fmt: skip


@pytest.fixture
def company(settings: Settings) -> Iterator[Settings]:
    install_settings(settings)
    db = shared(settings.db)
    roster.import_roster(db, ROSTER)
    body = delivered_to_everyone()
    delivery = Delivery(body, "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    for email, role in [("m1@corp.example", "manager"), ("m3@corp.example", "manager"),
                        ("hr@corp.example", "hr"), ("admin@corp.example", "admin")]:  # fmt: skip
        users.add(db, email, role, PASSWORD, "cli:test")
    yield settings
    close_shared(settings.db)


def signed_in(email: str, page: str | None = None) -> AppTest:
    app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
    app.text_input[0].input(email)
    app.text_input[1].input(PASSWORD)
    app.button[0].click().run()
    if page:
        app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    return app


MANAGER = Viewer("m1@corp.example", "manager", "M1")


def as_viewer(viewer: Viewer, app: AppTest) -> AppTest:
    app.session_state["viewer"] = viewer
    return app.run()


def shown(app: AppTest) -> str:
    return " ".join(str(e.value) for e in [*app.markdown, *app.caption, *app.info, *app.warning])


def test_the_sign_in_form_keeps_everything_closed_until_a_user_signs_in(company) -> None:
    app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
    assert not app.metric and [t.label for t in app.text_input] == ["Email", "Password"]
    app.text_input[0].input("hr@corp.example")
    app.text_input[1].input("wrong password")
    app.button[0].click().run()
    assert app.error and not app.metric


def test_a_manager_sees_their_two_level_teams_funnel_and_nobody_in_it(company) -> None:
    app = signed_in("m1@corp.example")
    values = {m.label: m.value for m in app.metric}
    assert values["Invited"] == "8" and values["Delivered"] == "8"
    assert not app.dataframe and "@" not in shown(app).replace(words.md("m1@corp.example"), "")


def test_a_manager_reaches_teams_but_not_people_reminders_or_admin_pages(company) -> None:
    teams = signed_in("m1@corp.example", "teams")
    frames = [frame.value for frame in teams.dataframe]
    assert int(frames[0]["people"].sum()) == 8 and list(frames[0]["company"]) == ["your team"]
    assert not any(f.astype(str).apply(lambda c: c.str.contains("@")).any().any() for f in frames)
    for page in ("people", "reminders", "receiver", "setup", "audit"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            signed_in("m1@corp.example", page)  # not in a manager's navigation at all
        app = as_viewer(MANAGER, AppTest.from_file(str(DASHBOARD.parent / f"app_pages/{page}.py")))
        assert app.warning[0].value == "This page is not open to your role."  # nor run alone
        assert not app.dataframe and not app.get("download_button")


def test_a_manager_with_three_reports_gets_one_sentence_and_no_figure(company) -> None:
    for page in (None, "teams"):
        app = signed_in("m3@corp.example", page)
        assert not app.metric and not app.dataframe and not app.get("plotly_chart")
        assert "3 people are below you" in app.info[0].value


@pytest.mark.parametrize(
    "question",
    ["funnel('c1')", "timeline('c1', 'S1', None)", "events_over_time('c1')",
     "bounce_reasons('c1')", "quarantine_recent()"],
)  # fmt: skip
def test_a_managers_queries_refuse_person_level_data_even_when_called_directly(
    company, question: str
) -> None:
    script = f"from dashboard import queries\nqueries.{question}\n"
    app = as_viewer(MANAGER, AppTest.from_string(script, default_timeout=30))
    assert "People-level data is for HR" in app.exception[0].message


def test_hr_sees_every_survey_page_but_not_the_admin_pages(company) -> None:
    for page in (None, "people", "teams", "reminders"):
        app = signed_in("hr@corp.example", page)
        assert not app.warning, page
    assert signed_in("hr@corp.example").metric[0].value == "13"
    hr = Viewer("hr@corp.example", "hr")
    for page in ("receiver", "setup", "audit"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            signed_in("hr@corp.example", page)
        alone = as_viewer(hr, AppTest.from_file(str(DASHBOARD.parent / f"app_pages/{page}.py")))
        assert alone.warning[0].value == "This page is not open to your role."


def test_an_admin_sees_the_audit_page_with_the_sign_ins(company) -> None:
    app = signed_in("admin@corp.example", "audit")
    actions = list(app.dataframe[0].value["action"])
    assert "sign_in" in actions and "user_add" in actions


def test_a_removed_user_is_out_at_their_next_page_run(company) -> None:
    app = signed_in("hr@corp.example")
    users.remove(shared(company.db), "hr@corp.example", "cli:test")
    app.run()
    assert not app.metric and [t.label for t in app.text_input] == ["Email", "Password"]


def test_signing_out_ends_the_session(company) -> None:
    app = signed_in("hr@corp.example")
    app.sidebar.button[0].click().run()
    assert not app.metric and app.text_input


def test_the_single_password_mode_is_admin(settings: Settings) -> None:
    from pydantic import SecretStr

    install_settings(settings.model_copy(update={"dashboard_password": SecretStr("s3cret")}))
    try:
        app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
        app.text_input[0].input("s3cret")
        app.button[0].click().run()
        app.switch_page("app_pages/audit.py").run()
        assert not app.warning and "sign_in" in list(app.dataframe[0].value["action"])
        assert audit.since(shared(settings.db))[0]["actor"] == "shared-password"
    finally:
        close_shared(settings.db)


def test_the_single_password_form_waits_after_five_failures_even_for_the_right_password(
    settings: Settings,
) -> None:
    from pydantic import SecretStr

    install_settings(settings.model_copy(update={"dashboard_password": SecretStr("s3cret")}))
    try:
        app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
        for given in ["guess"] * 5 + ["s3cret"]:
            app.text_input[0].input(given)
            app.button[0].click().run()
        assert "wait 15 minutes" in app.error[0].value and not app.metric
        actions = [row["action"] for row in audit.since(shared(settings.db))]
        assert actions == ["sign_in_failed"] * 5 + ["sign_in_refused"]
    finally:
        close_shared(settings.db)


def test_a_client_created_on_the_setup_page_is_audited_as_the_signed_in_admin(company) -> None:
    app = signed_in("admin@corp.example", "setup")
    next(t for t in app.text_input if t.label == "Client name").input("sendgrid-prod")
    next(b for b in app.button if b.label == "Create client").click().run()
    assert app.success and not app.exception
    rows = audit.since(shared(company.db))
    assert (rows[-1]["actor"], rows[-1]["action"], rows[-1]["detail"]) == (
        "admin@corp.example", "client_create", "sendgrid-prod",
    )  # fmt: skip


@pytest.mark.parametrize(
    "page", [None, "people", "teams", "reminders", "receiver", "setup", "audit"]
)
def test_an_admin_opens_every_page(company, page: str | None) -> None:
    app = signed_in("admin@corp.example", page)
    refused = "This page is not open to your role."
    assert not app.exception and refused not in [w.value for w in app.warning]
    assert app.title and app.title[0].value != "mailpulse"  # the page, not the sign-in form
