"""Teams through AppTest: 100% bars with counts on hover; by manager, the top and bottom or one
picked manager with the reporting line above them; groups under 5 stay folded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from core import retention, roster
from core.database import close_shared, shared
from core.settings import Settings, install_settings
from core.users import Viewer
from mailpulse.server import DASHBOARD
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many
from tests.factories import batch, event

CAMPAIGN = "teams-2026"
MANAGERS = 12  # M01..M12 with 5 reports each, all below C1 (Chief), below C0 (Owner)
HEADER = "employee_id,email,name,department,manager,manager_id"


def roster_text() -> str:
    lines = [HEADER, "C0,c0@corp.example,Owner,Board,,", "C1,c1@corp.example,Chief,Board,Owner,C0"]
    for m in range(1, MANAGERS + 1):
        lines.append(f"M{m:02},m{m}@corp.example,Boss {m:02},Ops,Chief,C1")
        lines += [f"E{m:02}{r},e{m}.{r}@corp.example,Emp,Ops,Boss {m:02},M{m:02}" for r in range(5)]
    return "\n".join(lines)


def story() -> list[dict]:
    """Everyone of a manager's team delivered; in Boss m's team, m of the 5 opened (Boss 05 and
    up: all five). The managers themselves are never mailed."""
    events = []
    for m in range(1, MANAGERS + 1):
        for r in range(5):
            email = f"e{m}.{r}@corp.example"
            events.append(event(email=email, campaign=CAMPAIGN))
            if r < min(m, 5):
                events.append(event(email=email, event="open", campaign=CAMPAIGN))
    return events


@pytest.fixture
def teams(settings: Settings) -> Iterator[AppTest]:
    install_settings(settings)
    db = shared(settings.db)
    roster.import_roster(db, roster_text())
    delivery = Delivery(batch(*story()), "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
    app.switch_page("app_pages/teams.py").run()
    yield app
    close_shared(settings.db)


def by_manager(app: AppTest) -> AppTest:
    app.radio[0].set_value("manager").run()
    app.radio[1].set_value("open_rate").run()
    assert not app.exception, app.exception
    return app


def test_each_group_is_one_full_bar_with_its_counts_on_hover(teams: AppTest) -> None:
    spec = json.loads(teams.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["tickformat"] == ".0%"
    assert "customdata[0]:,} of" in spec["data"][0]["hovertemplate"]
    assert {trace["name"] for trace in spec["data"]} >= {"Opened, not clicked", "Never mailed"}


def test_by_manager_shows_the_top_and_bottom_five_of_many(teams: AppTest) -> None:
    app = by_manager(teams)
    shown = app.dataframe[1].value
    assert len(shown) == 10
    assert set(shown["manager"][:5]) < {f"Boss {m:02}" for m in range(5, MANAGERS + 1)}
    assert list(shown["manager"][5:]) == ["Boss 04", "Boss 03", "Boss 02", "Boss 01", "Chief"]
    assert (
        "The 5 highest and the 5 lowest of 13 managers by open rate; find any manager above."
        in [c.value for c in app.caption]
    )


def test_a_picked_manager_is_shown_with_the_reporting_line_above_them(teams: AppTest) -> None:
    app = by_manager(teams)
    picker = next(box for box in app.selectbox if box.label == "Find a manager")
    assert "Owner" not in picker.options  # one person below: folded, never named
    picker.set_value("Boss 03").run()
    assert list(app.dataframe[1].value["manager"]) == ["Boss 03"]
    assert app.dataframe[1].value["open_rate"].iloc[0] == 60  # shown as 60%, as everywhere
    assert "Reporting line: Owner › Chief › Boss 03" in [m.value for m in app.markdown]


def test_a_manager_picks_a_manager_below_them_but_sees_no_reporting_line(teams: AppTest) -> None:
    app = AppTest.from_file(str(DASHBOARD.parent / "app_pages/teams.py"), default_timeout=30)
    app.session_state["viewer"] = Viewer("c1@corp.example", "manager", "C1")
    app = by_manager(app.run())
    next(box for box in app.selectbox if box.label == "Find a manager").set_value("Boss 03").run()
    assert not app.exception and list(app.dataframe[1].value["manager"]) == ["Boss 03"]
    assert not [m.value for m in app.markdown if "Reporting line" in m.value]


def test_a_purged_campaign_has_departments_and_one_sentence_by_manager(
    teams: AppTest, settings: Settings
) -> None:
    retention.purge(shared(settings.db), CAMPAIGN, ("campaign", "employee_id"), 60, "cli:test")
    teams.run()
    assert not teams.exception, teams.exception
    assert "Ops" in set(teams.dataframe[1].value["department"])
    teams.radio[0].set_value("manager").run()
    assert not teams.exception, teams.exception
    assert "no view by manager" in teams.info[0].value


@pytest.mark.parametrize("roster_lines", [0, 4])  # events before the roster; a company of 4
def test_no_group_to_show_is_one_sentence(settings: Settings, roster_lines: int) -> None:
    install_settings(settings)
    db = shared(settings.db)
    if roster_lines:
        roster.import_roster(db, "\n".join(roster_text().splitlines()[: roster_lines + 1]))
    delivery = Delivery(batch(*story()), "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    try:
        app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
        app.switch_page("app_pages/teams.py").run()
        for by in ("department", "manager"):
            app.radio[0].set_value(by).run()
            assert not app.exception, app.exception
            assert "No group of 5 or more roster employees to show" in app.info[0].value
            assert not app.dataframe and not app.get("plotly_chart")
    finally:
        close_shared(settings.db)
