"""The send panel on Reminders through AppTest, signed in through the real form: how many would
get the mail, one escaped message, refused segments, the confirmation, the job's result, and
nothing of it for a manager; the People page's line of one person's mails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from streamlit.testing.v1 import AppTest

from core import retention, roster, send_campaigns, sends, users
from core.database import close_shared, shared
from core.send_campaigns import SendCampaign
from core.send_runner import Pace, Runner
from core.settings import Settings, install_settings
from dashboard import words
from mailpulse.server import DASHBOARD
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many
from simulator.mailsend import FakeMailSend
from tests.dashboard.test_roles import MANAGER, PASSWORD, as_viewer, signed_in
from tests.factories import batch, event

CAMPAIGN = "s26"
# E1-E5 delivered (E5 then unsubscribed), E6 bounced, E7-E8 never mailed, E9 left the company.
ROSTER = "employee_id,email,name,active\n" + "".join(
    f"E{n},e{n}@corp.example,{name},{'false' if n == 9 else 'true'}\n"
    for n, name in enumerate(["Ann *Lee*", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ida"], 1)
)
BODY = "<p>Hi {{ first_name }}, <b>your say</b>: {{ survey_link }}</p>"


@pytest.fixture
def company(sending: Settings) -> Iterator[Settings]:
    install_settings(sending)
    db = shared(sending.db)
    roster.import_roster(db, ROSTER)
    mails = [event(email=f"e{n}@corp.example", employee_id=f"E{n}", campaign=CAMPAIGN)
             for n in range(1, 7)]  # fmt: skip
    mails[5]["event"] = "bounce"
    mails.append(event(email="e5@corp.example", employee_id="E5", campaign=CAMPAIGN,
                       event="unsubscribe"))  # fmt: skip
    delivery = Delivery(batch(*mails), "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    send_campaigns.define(db, SendCampaign(CAMPAIGN, "Your say, {{ name }}",
                                           "https://survey.example/?t={token}", body=BODY,
                                           body_html=True))  # fmt: skip
    for email, role in [("hr@corp.example", "hr"), ("m1@corp.example", "manager")]:
        users.add(db, email, role, PASSWORD, "cli:test")
    yield sending
    close_shared(sending.db)


def reminders(segment: str) -> AppTest:
    app = signed_in("hr@corp.example", "reminders")
    app.radio(key="reminders_segment").set_value(segment).run()
    assert not app.exception, app.exception
    return app


def said(app: AppTest) -> str:
    return " ".join(str(e.value) for e in [*app.markdown, *app.info, *app.caption])


def sent(settings: Settings, job_id: int) -> dict:
    return Runner(shared(settings.db), settings, Pace(poll_seconds=0.05)).run_job(job_id)


def test_a_reminder_counts_the_segment_less_the_cooldown_and_the_opted_out(company) -> None:
    db = shared(company.db)
    held = sends.queue(db, company, CAMPAIGN, "unopened", "cli:test", limit=1)  # E1, in a job
    app = reminders("unopened")
    assert "**3** of 4 would get a reminder now: the others were mailed within the 48" in said(app)
    assert app.button(key="send_ask").label == "Send to these 3 people…"
    assert f"Job {held.job_id}: 0 of 1 handed to SendGrid" in app.get("progress")[0].proto.text


def test_the_invitation_goes_to_active_roster_people_never_mailed(company) -> None:
    app = reminders("not_sent")
    assert "**2** would get the invitation now." in said(app)  # E9 left: not in the segment


def test_the_message_is_a_real_recipients_shown_literally(company) -> None:
    app = reminders("unopened")
    message = app.code[0].value
    assert message.startswith(
        "To: e1@corp.example\nSubject: Your say, Ann *Lee*\n\n"
        "<p>Hi Ann, <b>your say</b>: https://survey.example/?t="
    )
    app = reminders("not_sent")
    assert "Hi Gus," in app.code[0].value


def test_a_campaign_defined_with_no_event_yet_can_be_picked_and_invited(company) -> None:
    db = shared(company.db)
    send_campaigns.define(db, SendCampaign("fresh", "S", "https://s.example/{token}", body="B"))
    app = reminders("not_sent")
    app.sidebar.selectbox[0].set_value("fresh").run()
    assert app.title[0].value == "Reminders · fresh"
    assert "**8** would get the invitation now" in said(app)  # the active roster


@pytest.mark.parametrize("segment", ["undelivered", "pending", "opted_out"])
def test_a_refused_segment_says_why_and_offers_no_send(company, segment: str) -> None:
    app = reminders(segment)
    assert f"{words.segment(segment)} is never mailed: " in said(app)
    assert not [b for b in app.button if b.key and b.key.startswith("send_")]


def test_a_campaign_not_defined_for_sending_or_a_missing_key_says_what_to_run(company) -> None:
    db = shared(company.db)
    db.write(lambda con: con.execute("DELETE FROM send_campaigns"))
    assert "run `mailpulse campaigns create` for it" in said(reminders("unopened"))
    send_campaigns.define(db, SendCampaign(CAMPAIGN, "S", "https://s.example/{token}", body="B"))
    install_settings(company.model_copy(update={"sendgrid_api_key": SecretStr("")}))
    assert "set MAILPULSE\\_SENDGRID\\_API\\_KEY" in said(reminders("unopened"))


def test_a_purged_campaign_says_its_people_were_purged_and_offers_no_send(company) -> None:
    retention.purge(shared(company.db), CAMPAIGN, ("campaign", "employee_id"), 60, "cli:test")
    app = reminders("not_sent")
    assert "its people were purged; define a new campaign" in said(app)
    assert not [b for b in app.button if b.key and b.key.startswith("send_")]


def test_a_confirmed_send_mails_the_number_named_and_shows_its_result_and_history(
    company, fake: FakeMailSend
) -> None:
    app = reminders("unopened")
    app.button(key="send_ask").click().run()
    assert "This mails 4 people now" in app.warning[0].value
    confirm = app.button(key="send_confirm")
    assert confirm.label == "Send 4 reminders"
    confirm.click().run()
    (job,) = sends.jobs(shared(company.db), CAMPAIGN)
    assert job["requested_by"] == "hr@corp.example" and job["counts"]["queued"] == 4
    assert "0 of 4 handed to SendGrid" in app.get("progress")[0].proto.text

    sent(company, job["job_id"])
    app.run()
    finished = f"Job {job['job_id']} finished: 4 accepted, 0 uncertain, 0 failed."
    assert app.success[0].value == finished
    history = app.dataframe[-1].value
    assert history[["job", "accepted", "segment"]].values.tolist() == [
        [job["job_id"], 4, "Delivered, not opened"]
    ]
    asked_at = datetime.fromisoformat(job["created_at"]).strftime("%Y-%m-%d %H:%M")
    assert history["asked at"].tolist() == [asked_at]  # in the viewer's zone (here UTC)
    assert '"label": "Asked at (UTC)"' in app.dataframe[-1].proto.columns
    assert sorted(a["employee_id"] for a in fake.recipients()) == ["E1", "E2", "E3", "E4"]
    assert "**0** of 4 would get a reminder now: the others were mailed" in said(app)


def test_a_confirmation_survives_events_that_move_the_count_and_sends_at_most_its_number(
    company,
) -> None:
    app = reminders("unopened")
    app.button(key="send_ask").click().run()
    db = shared(company.db)
    delivery = Delivery(batch(event(email="e7@corp.example", employee_id="E7", campaign=CAMPAIGN)),
                        "test", datetime.now(UTC))  # fmt: skip
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    app.run()  # what the live part's rerun does when the data changes
    assert "**5** would get a reminder now." in said(app)
    assert "5 now (you confirmed 4): at most 4 are mailed" in said(app)
    confirm = app.button(key="send_confirm")
    assert confirm.label == "Send 4 reminders"
    confirm.click().run()
    (job,) = sends.jobs(db, CAMPAIGN)
    assert job["counts"]["queued"] == 4


@pytest.mark.parametrize(
    ("status", "shown"),
    [(400, "0 accepted, 0 uncertain, 4 failed."), (None, "0 accepted, 4 uncertain, 0 failed."),
     (401, "0 accepted, 0 uncertain, 4 failed. It stopped: ")],
)  # fmt: skip
def test_a_job_that_did_not_go_well_says_how(company, fake, status, shown: str) -> None:
    fake.fault(status)
    app = reminders("unopened")
    app.button(key="send_ask").click().run()
    app.button(key="send_confirm").click().run()
    sent(company, sends.jobs(shared(company.db), CAMPAIGN)[0]["job_id"])
    app.run()
    assert shown in (app.error or app.warning)[0].value
    if status == 400:
        assert app.dataframe[0].value["employee_id"].tolist() == ["E1", "E2", "E3", "E4"]


def test_cancel_sends_nothing(company) -> None:
    app = reminders("unopened")
    app.button(key="send_ask").click().run()
    app.button(key="send_cancel").click().run()
    assert not sends.jobs(shared(company.db), CAMPAIGN) and app.button(key="send_ask")


def test_a_manager_gets_nothing_of_the_send_panel(company) -> None:
    script = f"from dashboard import sending\nsending.panel({CAMPAIGN!r}, 'not_sent')\n"
    app = as_viewer(MANAGER, AppTest.from_string(script, default_timeout=30))
    assert not app.exception and not app.main.children
    page = as_viewer(MANAGER, AppTest.from_file(str(DASHBOARD.parent / "app_pages/reminders.py")))
    assert page.warning[0].value == "This page is not open to your role." and not page.button


def person(app: AppTest):
    return next(box for box in app.selectbox if box.label == "Person")


def test_the_people_page_shows_one_persons_mails(company) -> None:
    db = shared(company.db)
    for segment in ("not_sent", "unopened"):
        sent(company, sends.queue(db, company, CAMPAIGN, segment, "cli:test").job_id)
    app = signed_in("hr@corp.example", "people")
    labels = person(app).options
    for employee, mailed in [("E7", "invited"), ("E2", "reminded")]:
        index = next(n for n, label in enumerate(labels) if label.startswith(employee))
        person(app).set_value(index).run()  # the options are the people frame's index
        day = datetime.now(UTC).strftime("%a")
        assert f"Mails: {mailed} {day} " in said(app), said(app)
