"""Sending through the fake Mail Send API over real HTTP, into a real DuckDB file."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime, timedelta

import pytest

from core import retention, send_campaigns, sends
from core.database import Database
from core.errors import UserError
from core.roster import import_roster
from core.send_campaigns import SendCampaign
from core.send_runner import Pace, Runner
from core.settings import Settings
from simulator.mailsend import FakeMailSend
from tests.conftest import post_batch

FAST = Pace(poll_seconds=0.05, first_retry_seconds=0.05, max_retry_seconds=0.2)
ROSTER = "employee_id,email,name,active\n" + "".join(
    f"E{n:04},p{n}@corp.example,Person {n},{'false' if n % 10 == 0 else 'true'}\n"
    for n in range(1, 1201)
)


def define(db: Database) -> None:
    import_roster(db, ROSTER)
    send_campaigns.define(db, SendCampaign(
        "survey-2026", "Your say, {{ first_name }}", "https://survey.example/s?t={token}",
        body="Hello {{ name }}, {{ survey_link }}",
    ))  # fmt: skip


def run(db: Database, settings: Settings, segment: str = "not_sent") -> dict:
    job = sends.queue(db, settings, "survey-2026", segment, "test")
    return Runner(db, settings, FAST).run_job(job.job_id)


def test_invitations_reach_every_active_employee_once_in_requests_of_at_most_1000(
    db: Database, sending: Settings, fake: FakeMailSend
) -> None:
    define(db)
    summary = run(db, sending)
    ids = [args["employee_id"] for args in fake.recipients()]
    assert summary["counts"]["accepted"] == 1080 == len(ids) == len(set(ids))
    assert not any(int(i[1:]) % 10 == 0 for i in ids)  # inactive: never
    assert all(len(a.personalizations) <= 1000 for a in fake.accepted)
    for accepted in fake.accepted:
        assert accepted.body["categories"] == ["survey-2026"]
        for p in accepted.personalizations:
            assert set(p["custom_args"]) == {"campaign", "employee_id", "send_id"}
            assert "@" not in "".join(p["custom_args"].values())


def test_a_job_queued_and_sent_on_a_given_clock_is_stamped_by_it_and_cools_down_by_it(
    db: Database, sending: Settings, fake: FakeMailSend
) -> None:
    define(db)
    then = datetime(2026, 3, 3, 7, tzinfo=UTC)
    job = sends.queue(db, sending, "survey-2026", "not_sent", "demo", now=then)
    summary = Runner(db, sending, FAST, clock=lambda: then + timedelta(seconds=2)).run_job(
        job.job_id
    )
    assert summary["created_at"] == "2026-03-03T07:00:00Z"
    assert summary["finished_at"] == "2026-03-03T07:00:02Z"
    with db.cursor() as cur:
        stamps = cur.execute("SELECT DISTINCT queued_at, accepted_at FROM sends").fetchall()
    assert stamps == [(then, then + timedelta(seconds=2))]
    # the cooldown (48 h) counts from the clock too: an hour after that send it holds everyone
    later = then + timedelta(hours=1)
    assert sends.recipients(db, sending, "survey-2026", "not_sent", now=later).empty
    assert len(sends.recipients(db, sending, "survey-2026", "not_sent")) == 1080  # months on


def test_a_send_job_is_audited_with_its_asker_and_its_count(
    db: Database, sending: Settings, fake: FakeMailSend
) -> None:
    define(db)
    job = sends.queue(db, sending, "survey-2026", "not_sent", "hr@corp.example")
    with db.cursor() as cur:
        audited = cur.execute(
            "SELECT actor, campaign, segment, rows, detail FROM audit WHERE action = 'send'"
        ).fetchall()
    assert audited == [("hr@corp.example", "survey-2026", "not_sent", 1080, f"job {job.job_id}")]


def test_a_second_send_within_the_cooldown_mails_nobody(
    db: Database, sending: Settings, fake: FakeMailSend
) -> None:
    define(db)
    run(db, sending)
    again = run(db, sending)
    assert sum(again["counts"].values()) == 0 and len(fake.recipients()) == 1080


def test_429_waits_and_500_is_retried_and_400_fails_its_request(
    db: Database, sending: Settings, fake: FakeMailSend
) -> None:
    define(db)
    fake.fault(429, reset_in=0.5)
    fake.fault(500)
    fake.fault(400)
    summary = run(db, sending)
    assert summary["counts"]["failed"] == 1000 and summary["counts"]["accepted"] == 80
    assert fake.answers[:3] == [429, 500, 400]


def test_a_wrong_key_stops_the_job_with_a_sentence_about_the_key(
    db: Database, sending: Settings, fake: FakeMailSend
) -> None:
    define(db)
    fake.api_key = "SG.another"
    summary = run(db, sending)
    assert "MAILPULSE_SENDGRID_API_KEY" in summary["stopped"]
    assert summary["counts"]["failed"] == 1080 and fake.requests == 1


def test_a_lost_answer_leaves_its_recipients_uncertain(
    db: Database, sending: Settings, fake: FakeMailSend
) -> None:
    define(db)
    fake.fault(None)
    summary = run(db, sending)
    assert summary["counts"]["uncertain"] == 1000 and len(fake.recipients()) == 1080


@pytest.mark.parametrize("segment", ["undelivered", "pending", "opted_out"])
def test_segments_that_must_not_be_mailed_are_refused(
    db: Database, sending: Settings, segment: str
) -> None:
    define(db)
    with pytest.raises(UserError, match="never mailed"):
        sends.queue(db, sending, "survey-2026", segment, "test")


def test_a_purged_campaign_cannot_be_sent_for_its_people_were_purged(
    db: Database, sending: Settings
) -> None:
    from receiver.events import Fields
    from receiver.ingest import Delivery, parse, store_many
    from tests.factories import batch, event

    define(db)
    unsubscribed = event(email="p2@corp.example", event="unsubscribe")
    delivery = Delivery(batch(event(email="p2@corp.example"), unsubscribed), "test",
                        datetime.now(UTC))  # fmt: skip
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    retention.purge(db, "survey-2026", ("campaign", "employee_id"), 60, "cli:test")
    for segment in ("not_sent", "unopened"):
        with pytest.raises(UserError, match="its people were purged; define a new campaign"):
            sends.queue(db, sending, "survey-2026", segment, "test")
    assert sends.jobs(db, "survey-2026") == []


def test_events_carrying_an_uncertain_mails_send_id_turn_it_accepted(
    api, token: str, sending: Settings, fake: FakeMailSend
) -> None:
    import orjson

    from simulator.sent_events import events_for

    database = api.app.state.database
    define(database)
    fake.fault(None)
    run(database, sending)
    lost = fake.accepted[0]
    body = orjson.dumps([event for _, event in events_for(lost)])
    assert post_batch(api, token, body).status_code == 200
    assert Runner(database, sending, FAST).promote() == 1000
    counts = sends.jobs(database, "survey-2026")[0]["counts"]
    assert counts["accepted"] == 1080 and counts["uncertain"] == 0


def test_the_reminder_csv_counts_each_persons_mails(
    db: Database, sending: Settings, fake: FakeMailSend
) -> None:
    from core import funnel
    from core.reminders import reminders_csv

    define(db)
    run(db, sending)
    people = funnel.funnel(db, "survey-2026", sending.bot_click_seconds)
    text = reminders_csv(people[people["employee_id"] == "E0001"]).decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["mails_sent"] == "1" and row["last_mailed_at"].endswith("Z")


def test_the_servers_runner_waits_after_a_request_while_events_arrive_and_not_otherwise(
    api, token: str, sending: Settings, fake: FakeMailSend
) -> None:
    waits: list[float] = []

    class Recorded(Runner):
        def wait(self, seconds: float) -> bool:
            waits.append(seconds)
            return super().wait(seconds)

    def a_batch_arrives_during_the_first_request(accepted: object) -> None:
        if len(fake.accepted) == 1:
            event = b'[{"event":"open","timestamp":1764000000,"email":"p1@corp.example"}]'
            assert post_batch(api, token, event).status_code == 200

    database = api.app.state.database
    define(database)
    fake.on_accepted = a_batch_arrives_during_the_first_request
    job = sends.queue(database, sending, "survey-2026", "not_sent", "test")
    runner = Recorded(database, sending, Pace(poll_seconds=0.05, promote_seconds=600))
    runner.start()
    try:
        while sends.job(database, job.job_id)["finished_at"] is None:
            time.sleep(0.05)
    finally:
        runner.stop()
    assert len(fake.accepted) == 2
    assert len(waits) == 1 and waits[0] > 0  # after the first request only
