"""The dashboard's derived figures: the funnel steps, team folding, delivery-to-open times;
what a manager may ask of a purged campaign."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import retention, roster
from core.database import close_shared, shared
from core.settings import Settings, install_settings
from core.users import Viewer
from dashboard import queries
from mailpulse.server import DASHBOARD
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many
from tests.factories import BASE_TIME, batch, event

# M1 heads six of a company of twelve; survey-2025 is a year before survey-2026, then purged.
ROSTER = "employee_id,email,name,department,manager_id\n" + "\n".join(
    ["M1,m1@corp.example,Mia One,Sales,",
     *(f"S{n},s{n}@corp.example,Sam {n},Sales,M1" for n in range(6)),
     *(f"O{n},o{n}@corp.example,Oli {n},Ops," for n in range(5))]
)  # fmt: skip
YEAR = 365 * 24 * 3600


def people(*rows: tuple[str, bool, bool], department: str = "Sales") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["stage", "machine_open", "bot_click"])
    frame["department"] = department
    frame["manager"] = "M"
    return frame


def test_funnel_steps_count_people_and_show_the_machine_gap() -> None:
    frame = people(
        ("clicked", False, False),
        ("delivered", True, False),  # Apple's proxy opened it: no person did
        ("delivered", False, True),  # a scanner clicked it
        ("bounced", False, False),
    )
    steps = queries.funnel_steps(frame).set_index("step")
    assert steps["people"].to_dict() == {
        "invited": 4, "delivered": 3, "opened": 1, "clicked": 1, "completed": 0,
    }  # fmt: skip
    assert steps.loc["opened", "with_machines"] == 2
    assert steps.loc["clicked", "with_machines"] == 2
    assert steps.loc["opened", "rate"] == 1 / 3


def test_small_teams_fold_into_other_and_tiny_remainders_are_hidden() -> None:
    frame = pd.concat(
        [
            people(*[("opened", False, False)] * 6, department="Sales"),
            people(*[("clicked", False, False)] * 3, department="Legal"),
            people(*[("delivered", False, False)] * 3, department="Audit"),
        ],
        ignore_index=True,
    )
    mix = queries.team_mix(frame, "department").set_index("department")
    assert mix["people"].to_dict() == {"Sales": 6, "other": 6}
    assert mix.loc["other", "clicked"] == 3

    alone = pd.concat([frame.iloc[:6], frame.iloc[6:8]], ignore_index=True)
    assert list(queries.team_mix(alone, "department")["department"]) == ["Sales"]


def test_delivery_to_open_is_measured_in_hours() -> None:
    frame = pd.DataFrame(
        {
            "delivered_at": pd.to_datetime(["2026-01-01T08:00Z", "2026-01-01T08:00Z"]),
            "opened_at": pd.to_datetime(["2026-01-01T10:30Z", None], utc=True),
        }
    )
    assert list(queries.delivery_to_open_hours(frame)) == [2.5]


def test_delivery_to_open_is_binned_for_the_browser_with_every_person_counted_once() -> None:
    delivered = pd.Timestamp("2026-01-01T08:00Z")
    frame = pd.DataFrame({
        "delivered_at": [delivered] * 5,
        "opened_at": [delivered + pd.Timedelta(hours=h) for h in (0, 1, 1.5, 4)] + [pd.NaT],
    })  # fmt: skip
    bins = queries.delivery_to_open_bins(frame, bins=4)
    assert list(bins["people"]) == [1, 2, 0, 1]  # [0,1): 0 · [1,2): 1 and 1.5 · [3,4]: 4
    assert (list(bins["start"]), list(bins["end"])) == ([0, 1, 2, 3], [1, 2, 3, 4])
    assert queries.delivery_to_open_bins(frame.iloc[4:]).empty


@pytest.fixture
def purged_last_year(settings: Settings) -> Iterator[Settings]:
    install_settings(settings)
    db = shared(settings.db)
    roster.import_roster(db, ROSTER)
    ids = [line.split(",")[0] for line in ROSTER.splitlines()[1:] if not line.startswith("M")]
    events = [event(email=f"{i.lower()}@corp.example", employee_id=i, campaign=name,
                    timestamp=BASE_TIME - ago + n)
              for name, ago in (("survey-2025", YEAR), ("survey-2026", 0))
              for n, i in enumerate(ids)]  # fmt: skip
    delivery = Delivery(batch(*events), "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    retention.purge(db, "survey-2025", ("campaign", "employee_id"), 60, "cli:test")
    yield settings
    close_shared(settings.db)


def asked(viewer: Viewer, question: str) -> AppTest:
    script = "import streamlit as st\nfrom dashboard import queries\n"
    script += f"st.text(repr(queries.{question}))\n"
    app = AppTest.from_string(script, default_timeout=30)
    app.session_state["viewer"] = viewer
    return app.run()


MANAGER = Viewer("m1@corp.example", "manager", "M1")


def test_a_manager_never_gets_a_purged_campaigns_company_wide_counts(purged_last_year) -> None:
    app = asked(MANAGER, "steps_for('survey-2025')")
    assert app.exception[0].message == queries.PURGED_FOR_MANAGERS
    assert not asked(MANAGER, "steps_for('survey-2026')").exception  # their team: still shown
    for page in ("overview", "teams"):
        app = AppTest.from_file(str(DASHBOARD.parent / f"app_pages/{page}.py"), default_timeout=30)
        app.session_state["viewer"] = MANAGER
        app.session_state["picked_campaign"] = "survey-2025"
        app.run()
        assert not app.exception and not app.metric and not app.dataframe, page
        assert app.info[0].value == queries.PURGED_FOR_MANAGERS


def test_a_purged_campaign_is_offered_for_comparison_to_hr_but_not_to_a_manager(
    purged_last_year,
) -> None:
    for viewer, offered in [(MANAGER, "[]"), (Viewer("hr@corp.example", "hr"), "survey-2025")]:
        app = asked(viewer, "earlier_campaigns('survey-2026')")
        assert not app.exception, app.exception
        assert offered in app.text[0].value


def test_bounce_reasons_count_each_person_once_per_group_and_lose_none_past_500(
    settings: Settings,
) -> None:
    install_settings(settings)
    db = shared(settings.db)
    # 600 addresses unknown, each its own reason; one person bounced twice with two reasons.
    bounces = [
        event(
            email=f"x{n}@corp.example",
            event="bounce",
            type="bounce",
            reason=f"550 5.1.1 <x{n}@corp.example>: user unknown",
        )
        for n in range(600)
    ]
    bounces += [event(email="x0@corp.example", event="bounce", type="bounce",
                      reason="550 no such user here"),
                event(email="y@corp.example", event="bounce", type="<b>odd</b>",
                      reason="mailbox full")]  # fmt: skip
    delivery = Delivery(batch(*bounces), "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    try:
        reasons = queries.bounce_reasons("survey-2026").set_index(["group", "kind"])
    finally:
        close_shared(settings.db)
    unknown = reasons.loc[("mailbox unknown", "bounce")]
    assert unknown["recipients"] == 600 and len(unknown["reasons"]) == 601
    assert "&lt;b&gt;odd&lt;/b&gt;" in reasons.index.get_level_values("kind")
