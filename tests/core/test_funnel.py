import pandas as pd
import pytest

from core import funnel
from core.completions import import_completions
from receiver.events import Fields
from tests.conftest import fixture_bytes
from tests.funnel_events import CAMPAIGN, at, employees, funnel_of, ingest, ingest_body, row, sg

SCANNER = {"ip": "40.94.28.13"}
LAPTOP = {"ip": "84.12.33.201"}


def stage(db, employee_id: str = "E1", seconds: int = 60) -> str:
    return row(db, employee_id, seconds)["stage"]


def stages(db, seconds: int = 60) -> dict[str, str]:
    frame = funnel_of(db, seconds=seconds)
    return dict(zip(frame["employee_id"], frame["stage"], strict=True))


@pytest.fixture
def survey(db):
    ingest_body(db, fixture_bytes("sample_batch_survey_synthetic.json"), Fields("survey_id"))
    frame = funnel_of(db, "ENG-2025-Q1").set_index("employee_id")
    return frame


def test_the_synthetic_survey_puts_each_employee_at_the_expected_stage(survey) -> None:
    flags = survey[list(funnel.FLAGS)].apply(lambda r: {f for f in funnel.FLAGS if r[f]}, axis=1)
    assert dict(zip(survey.index, zip(survey["stage"], flags, strict=True), strict=True)) == {
        "E1001": ("clicked", set()),
        "E1002": ("delivered", {"machine_open"}),
        "E1003": ("delivered", {"bot_click"}),
        "E1004": ("delivered", set()),
        "E1005": ("bounced", set()),
        "E1006": ("bounced", {"opted_out"}),
        "E1007": ("delivered", {"opted_out"}),
    }


def test_the_synthetic_survey_gives_times_and_reasons(survey) -> None:
    anna = survey.loc["E1001"]
    assert (anna["delivered_at"], anna["opened_at"], anna["clicked_at"]) == (
        pd.Timestamp(1736245803, unit="s", tz="UTC"),
        pd.Timestamp(1736247060, unit="s", tz="UTC"),
        pd.Timestamp(1736247090, unit="s", tz="UTC"),
    )
    assert survey.loc["E1003", "reason"] == "click 2 s after delivery"
    assert survey.loc["E1005", "reason"].startswith("550 5.1.10 RESOLVER.ADR.RecipientNotFound")
    assert survey.loc["E1006", "reason"] == "Unsubscribed Address"
    assert survey.loc["E1004", "delivered_at"] == pd.Timestamp(1736247650, unit="s", tz="UTC")
    assert list(survey.reset_index().columns) == list(funnel.COLUMNS)


def test_events_arriving_out_of_order_give_the_same_funnel(db) -> None:
    ingest(db, sg("click", 4000, **LAPTOP), sg("open", 3900, **LAPTOP))
    ingest(db, sg("delivered", 5), sg("processed", 0))
    employee = row(db)
    assert employee["stage"] == "clicked"
    assert (employee["delivered_at"], employee["opened_at"]) == (at(5), at(3900))


def test_an_open_stamped_before_its_delivery_counts_and_delivery_keeps_its_time(db) -> None:
    ingest(db, sg("open", 3, **LAPTOP), sg("delivered", 10))
    employee = row(db)
    assert (employee["stage"], employee["opened_at"], employee["delivered_at"]) == (
        "opened",
        at(3),
        at(10),
    )


def test_a_machine_open_alone_is_delivered_with_its_flag(db) -> None:
    ingest(db, sg("processed", 0), sg("open", 6, sg_machine_open=True))
    employee = row(db)
    assert (employee["stage"], employee["machine_open"]) == ("delivered", True)
    assert employee["delivered_at"] == at(6) and pd.isna(employee["opened_at"])


def test_a_scanner_click_two_seconds_after_delivery_is_a_bot_click(db) -> None:
    ingest(db, sg("delivered", 10), sg("click", 12, **SCANNER), sg("open", 12, **SCANNER))
    employee = row(db)
    assert (employee["stage"], employee["bot_click"]) == ("delivered", True)
    assert employee["reason"] == "click 2 s after delivery"
    assert pd.isna(employee["clicked_at"]) and pd.isna(employee["opened_at"])


def test_a_human_click_hours_after_delivery_is_a_click(db) -> None:
    ingest(db, sg("delivered", 10), sg("click", 3 * 3600, **LAPTOP))
    employee = row(db)
    assert (employee["stage"], employee["bot_click"], employee["clicked_at"]) == (
        "clicked",
        False,
        at(3 * 3600),
    )


def test_the_bot_click_window_is_inclusive(db) -> None:
    ingest(db, sg("delivered", 0), sg("click", 60, **SCANNER))
    ingest(db, sg("delivered", 0, "E2"), sg("click", 61, "E2", **SCANNER))
    assert stages(db) == {"E1": "delivered", "E2": "clicked"}
    assert stages(db, seconds=61) == {"E1": "delivered", "E2": "delivered"}


def test_a_human_open_strictly_before_the_click_clears_the_click(db) -> None:
    ingest(db, sg("delivered", 0), sg("open", 20, **LAPTOP), sg("click", 30, **LAPTOP))
    assert stage(db) == "clicked"


def test_an_open_in_the_same_second_as_the_click_does_not_clear_it(db) -> None:
    ingest(db, sg("delivered", 0), sg("open", 30.2, **LAPTOP), sg("click", 30.7, **LAPTOP))
    assert stage(db) == "delivered"


def test_an_open_from_the_ip_of_a_flagged_click_is_not_human(db) -> None:
    ingest(db, sg("delivered", 0), sg("click", 3, **SCANNER), sg("open", 40, **SCANNER))
    assert stage(db) == "delivered"
    ingest(db, sg("open", 50, **LAPTOP))
    assert (stage(db), row(db)["opened_at"]) == ("opened", at(50))


def test_a_scanner_clicking_every_link_is_flagged_for_each(db) -> None:
    ingest(db, sg("delivered", 0), sg("click", 2, **SCANNER), sg("open", 2, **SCANNER))
    ingest(db, sg("click", 3, **SCANNER), sg("click", 4, **SCANNER))
    assert (stage(db), row(db)["bot_click"]) == ("delivered", True)


def test_the_window_counts_from_the_latest_delivery_at_or_before_the_click(db) -> None:
    ingest(db, sg("delivered", 0), sg("delivered", 1000), sg("click", 1010, **SCANNER))
    ingest(db, sg("delivered", 0, "E2"), sg("delivered", 1000, "E2"), sg("click", 500, "E2"))
    frame = funnel_of(db)
    assert frame[["employee_id", "stage", "reason"]].fillna("").values.tolist() == [
        ["E1", "delivered", "click 10 s after delivery"],
        ["E2", "clicked", ""],
    ]


def burst(db, recipients: int, spread: float) -> None:
    people = [f"E{n}" for n in range(1, recipients + 1)]
    employees(db, *(f"{p},{p.lower()}@corp.example,," for p in people))
    ingest(db, *(sg("delivered", 0, p) for p in people))
    step = spread / max(recipients - 1, 1)
    ingest(db, *(sg("click", 7200 + i * step, p, ip="52.1.1.1") for i, p in enumerate(people)))


def test_five_recipients_clicking_from_one_ip_within_ten_seconds_are_bot_clicks(db) -> None:
    burst(db, 5, spread=10)
    frame = funnel_of(db)
    assert frame["stage"].eq("delivered").all() and frame["bot_click"].all()
    assert set(frame["reason"]) == {"same IP clicked for 5 recipients within 10 s"}


@pytest.mark.parametrize(("recipients", "spread"), [(4, 2), (5, 11)])
def test_fewer_recipients_or_a_slower_ip_are_human_clicks(db, recipients, spread) -> None:
    burst(db, recipients, spread)
    assert funnel_of(db)["stage"].eq("clicked").all()


def test_a_bounce_then_a_delivery_is_delivered_without_a_reason(db) -> None:
    ingest(db, sg("bounce", 0, reason="452 mailbox full", type="bounce"), sg("delivered", 900))
    employee = row(db)
    assert (employee["stage"], employee["delivered_at"]) == ("delivered", at(900))
    assert pd.isna(employee["reason"])


def test_a_blocked_bounce_is_bounced_with_its_reason(db) -> None:
    ingest(db, sg("processed", 0), sg("bounce", 2, reason="blocked by policy", type="blocked"))
    assert (stage(db), row(db)["reason"]) == ("bounced", "blocked by policy")


@pytest.mark.parametrize("event", ["unsubscribe", "spamreport"])
def test_an_unsubscribe_or_spamreport_proves_delivery_and_opts_out(db, event) -> None:
    ingest(db, sg("processed", 0), sg(event, 100))
    employee = row(db)
    assert (employee["stage"], employee["opted_out"]) == ("delivered", True)


@pytest.mark.parametrize(
    ("resubscribe_at", "group", "opted_out"),
    [(200, 7, False), (50, 7, True), (100, 7, True), (200, 8, True)],
)
def test_a_group_unsubscribe_stands_unless_a_strictly_later_resubscribe_clears_it(
    db, resubscribe_at, group, opted_out
) -> None:
    ingest(db, sg("delivered", 0), sg("group_unsubscribe", 100, asm_group_id=7))
    ingest(db, sg("group_resubscribe", resubscribe_at, asm_group_id=group))
    assert (stage(db), row(db)["opted_out"]) == ("delivered", opted_out)


@pytest.mark.parametrize("reason", ["Unsubscribed Address", "Spam Reporting Address"])
def test_a_drop_for_an_opted_out_address_is_bounced_and_opted_out(db, reason) -> None:
    ingest(db, sg("dropped", 0, reason=reason))
    employee = row(db)
    assert (employee["stage"], employee["opted_out"], employee["reason"]) == (
        "bounced",
        True,
        reason,
    )


def test_an_invalid_drop_is_bounced_but_not_opted_out(db) -> None:
    ingest(db, sg("dropped", 0, reason="Invalid"))
    assert (stage(db), row(db)["opted_out"]) == ("bounced", False)


def test_deferred_processed_and_unknown_types_are_pending_stages(db) -> None:
    ingest(db, sg("processed", 0), sg("deferred", 30, reason="451 try later"))
    ingest(db, sg("processed", 0, "E2"), sg("never_seen_before", 5, "E3"))
    assert stages(db) == {"E1": "deferred", "E2": "sent", "E3": "sent"}


def test_an_event_without_the_custom_arg_finds_its_employee_by_email(db) -> None:
    employees(db, "E7, Anna.Meier@Corp.Example ,Anna Meier,Sales")
    ingest(db, sg("delivered", 0, None, email="anna.meier@corp.example"))
    employee = row(db, "E7")
    assert (employee["stage"], employee["name"]) == ("delivered", "Anna Meier")
    assert employee["email"] == "anna.meier@corp.example"


def test_an_unknown_recipient_is_shown_by_email_without_employee_id(db) -> None:
    ingest(db, sg("delivered", 0, None, email="stranger@else.example"))
    frame = funnel_of(db)
    assert frame[["email", "stage"]].values.tolist() == [["stranger@else.example", "delivered"]]
    assert frame["employee_id"].isna().all()


def test_an_address_not_on_the_roster_is_counted_apart_and_in_no_segment(db) -> None:
    employees(db, "E1,e1@corp.example,Emp One,Sales")
    ingest(db, sg("delivered", 0, "E1"), sg("delivered", 0, None, email="test@else.example"))
    frame = funnel_of(db)
    assert funnel.stage_counts(frame)["delivered"] == 1
    assert funnel.not_on_roster_counts(frame)["delivered"] == 1
    assert list(funnel.segment(frame, "unopened")["email"]) == ["e1@corp.example"]


def test_an_account_event_without_email_joins_no_funnel(db) -> None:
    ingest(db, {"event": "account_status_change", "timestamp": 1, "campaign": CAMPAIGN})
    assert funnel_of(db).empty
    assert funnel.campaign_exists(db, CAMPAIGN)


def test_a_recorded_completion_is_the_last_stage(db) -> None:
    employees(db, "E1,e1@corp.example,,", "E2,e2@corp.example,,")
    ingest(db, sg("delivered", 0), sg("open", 100, sg_machine_open=True))
    import_completions(db, CAMPAIGN, "employee_id\nE1\nE2\n")
    assert stages(db) == {"E1": "completed", "E2": "completed"}


def test_only_active_roster_employees_without_events_are_not_sent(db) -> None:
    employees(
        db,
        "E1,e1@corp.example,true",
        "E2,e2@corp.example,false",
        "E3,e3@corp.example,false",
        header="employee_id,email,active",
    )
    ingest(db, sg("delivered", 0, "E3"))
    frame = funnel_of(db)
    assert frame[["employee_id", "stage"]].values.tolist() == [
        ["E1", "not_sent"],
        ["E3", "delivered"],
    ]


def test_stage_counts_list_every_stage_with_zeros(db) -> None:
    ingest(db, sg("delivered", 0), sg("bounce", 0, "E2"))
    counts = funnel.stage_counts(funnel_of(db))
    assert list(counts) == list(funnel.STAGES)
    assert counts == dict.fromkeys(funnel.STAGES, 0) | {"delivered": 1, "bounced": 1}
