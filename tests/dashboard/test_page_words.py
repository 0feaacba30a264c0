"""Each page's words and numbers through AppTest on one fixed database: user text shown
literally, one meaning per number, people words on screen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from core import roster, send_campaigns
from core.database import close_shared, shared
from core.send_campaigns import SendCampaign
from core.settings import Settings, install_settings
from dashboard import words
from mailpulse.server import DASHBOARD
from receiver import teams_answers
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many
from tests.factories import BASE_TIME, batch, event

CAMPAIGN = "[x](http://evil) ![i](http://evil/p.png)"
EVIL = '<a href="http://evil">x</a>'
BOUNCE = '550 5.1.1 [see](http://evil) <a href="http://evil">here</a> user unknown'
# E1-E6 in EVIL, E7 and E8 in Sales; E8 is never mailed; test@outside is not on the roster.
ROSTER = "employee_id,email,name,department,manager\n" + "\n".join(
    f"E{n},e{n}@corp.example,Emp {n},{EVIL if n <= 6 else 'Sales'},Boss" for n in range(1, 9)
)
STORY = {  # employee: events, in order
    "E1": ["delivered", "open", "click"],
    "E2": ["delivered", "open"],
    "E3": ["delivered", "open"],
    "E4": ["delivered"],
    "E5": ["bounce"],
    "E6": ["delivered"],
    "E7": ["delivered", "open"],
}


def story() -> list[dict]:
    events = []
    for n, (employee, kinds) in enumerate(STORY.items()):
        for step, kind in enumerate(kinds):
            extra = {"reason": BOUNCE, "type": "bounce"} if kind == "bounce" else {}
            events.append(event(email=f"{employee.lower()}@corp.example", employee_id=employee,
                                event=kind, campaign=CAMPAIGN,
                                timestamp=BASE_TIME + 1000 * n + 300 * step, **extra))  # fmt: skip
    for step, kind in enumerate(["delivered", "open"]):
        events.append(event(email="test@outside.example", event=kind, campaign=CAMPAIGN,
                            timestamp=BASE_TIME + 9000 + 300 * step))  # fmt: skip
    return events


@pytest.fixture
def fixed(settings: Settings) -> Iterator[Settings]:
    install_settings(settings)
    db = shared(settings.db)
    roster.import_roster(db, ROSTER)
    delivery = Delivery(batch(*story()), "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    yield settings
    close_shared(settings.db)


def run_page(page: str) -> AppTest:
    app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
    if page != "overview":
        app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    return app


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").renderInline(markdown)


def test_markdown_escaping_leaves_no_link_no_image_and_the_same_text() -> None:
    for text in (CAMPAIGN, BOUNCE, EVIL, ":red[alarm] :material/home: www.evil.example *b*"):
        html = rendered(words.md(text))
        assert "<a" not in html and "<img" not in html and "<em>" not in html
        assert MarkdownIt("commonmark").render(words.md(text)).count("\\") == 0


def test_plotly_escaping_turns_tags_into_text() -> None:
    assert words.plot(EVIL) == '&lt;a href="http://evil"&gt;x&lt;/a&gt;'
    assert words.plot("R&D") == "R&amp;D"


@pytest.mark.parametrize("page", ["overview", "people", "teams"])
def test_a_campaign_named_in_markdown_is_shown_literally_in_every_title(fixed, page) -> None:
    app = run_page(page)
    title = app.title[0].value
    assert title.endswith(words.md(CAMPAIGN))
    assert "<a" not in rendered(title) and "<img" not in rendered(title)


def test_the_teams_chart_labels_a_department_in_html_as_text(fixed) -> None:
    app = run_page("teams")
    figure = app.get("plotly_chart")[0].proto.spec
    assert "<a href" not in figure and "&lt;a href" in figure


def test_the_bounce_chart_labels_a_reason_as_text(fixed) -> None:
    app = run_page("overview")
    specs = " ".join(chart.proto.spec for chart in app.get("plotly_chart"))
    assert "&lt;a href" in specs and "<a href" not in specs and "[see](http:" in specs


def test_the_overview_says_what_its_numbers_mean_and_rounds_rates_over_delivered(fixed) -> None:
    app = run_page("overview")
    assert words.MEANING in [caption.value for caption in app.caption]
    tiles = {metric.label: (metric.value, metric.delta) for metric in app.metric}
    # 7 mailed (E8 never, test@outside apart); 6 delivered; 4 opened; 1 clicked
    assert tiles["Invited"] == ("7", "")
    assert tiles["Delivered"] == ("6", "")
    assert tiles["Opened"] == ("4", "67% of delivered")
    assert tiles["Clicked the link"] == ("1", "17% of delivered")
    funnel = app.get("plotly_chart")[0].proto.spec
    assert "4 · 67%" in funnel and "percent initial" not in funnel


def test_the_overview_names_the_send_date_the_never_mailed_and_the_addresses_apart(fixed) -> None:
    app = run_page("overview")
    line = app.markdown[0].value
    first = datetime.fromtimestamp(BASE_TIME, UTC)
    assert line == f"First mail sent {first:%Y-%m-%d} · 1 roster employees never mailed"
    assert [e.label for e in app.expander] == ["Addresses not on the roster: 1"]
    assert list(app.expander[0].dataframe[0].value["email"]) == ["test@outside.example"]


def test_the_overview_links_each_reminder_segment_with_its_count(fixed) -> None:
    app = run_page("overview")
    labels = {button.key: button.label for button in app.button}
    assert labels["go-unclicked"] == "Opened, not clicked: 3"
    assert labels["go-not_sent"] == "Never mailed: 1"
    app.button(key="go-unclicked").click().run()
    assert app.radio(key="reminders_segment").value == "unclicked"


def test_the_overview_counts_the_days_left_to_a_defined_deadline(fixed) -> None:
    deadline = datetime.now(UTC).date() + timedelta(days=7)
    send_campaigns.define(shared(fixed.db), SendCampaign(CAMPAIGN, "Survey", "https://s.example/{token}",
                                                         body="Hi", deadline=deadline))  # fmt: skip
    line = run_page("overview").markdown[0].value
    assert f"deadline {deadline:%Y-%m-%d} (7 days left)" in line


def test_the_people_table_speaks_words_with_blanks_for_nothing(fixed) -> None:
    app = run_page("people")
    table = app.dataframe[0]
    shown = table.value.set_index("email")
    assert shown.loc["e2@corp.example", "stage"] == "Opened, not clicked"
    assert shown.loc["e8@corp.example", "stage"] == "Never mailed"
    assert shown.loc["test@outside.example", "employee_id"] == ""
    assert shown.loc["e8@corp.example", "delivered_at"] == ""
    first = datetime.fromtimestamp(BASE_TIME, UTC)
    assert shown.loc["e1@corp.example", "delivered_at"] == f"{first:%Y-%m-%d %H:%M}"
    assert "None" not in shown.astype(str).to_numpy()
    headers = json.loads(table.proto.columns)
    assert (
        headers["stage"]["label"] == "Stage" and headers["last_event_at"]["label"] == "Last event"
    )
    assert "times in your time zone, UTC" in app.caption[0].value


def test_the_people_filters_offer_stages_and_flags_in_words(fixed) -> None:
    app = run_page("people")
    stage = next(box for box in app.multiselect if box.label == "Stage")
    assert "Opened, not clicked" in stage.options and "opened" not in stage.options
    stage.set_value(["opened"]).run()
    assert sorted(app.dataframe[0].value["email"]) == [
        "e2@corp.example", "e3@corp.example", "e7@corp.example", "test@outside.example",
    ]  # fmt: skip


def test_bounces_are_grouped_with_the_raw_reason_on_hover(fixed) -> None:
    charts = [json.loads(chart.proto.spec) for chart in run_page("overview").get("plotly_chart")]
    bounces = next(c for c in charts if c["layout"]["title"]["text"] == "Why mail did not arrive")
    assert bounces["data"][0]["y"] == ["mailbox unknown"]
    assert "user unknown" in bounces["data"][0]["customdata"][0][0]


def test_the_overview_sets_an_earlier_campaign_of_the_same_kind_beside_this_one(fixed) -> None:
    db = shared(fixed.db)
    earlier = [event(email=f"e{n}@corp.example", employee_id=f"E{n}", campaign=name,
                     event="open" if n <= 3 else "delivered", timestamp=BASE_TIME - 10**6 + n)
               for name in ("other-2024", "survey-2025") for n in range(1, 7)]  # fmt: skip
    later = [event(email="e1@corp.example", employee_id="E1", campaign="survey-2026",
                   timestamp=BASE_TIME + 5)]  # fmt: skip
    delivery = Delivery(batch(*earlier, *later), "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
    app.sidebar.selectbox[0].set_value("survey-2026").run()
    picker = next(box for box in app.selectbox if box.label == "Earlier campaign")
    assert picker.options[0] == "survey-2025" and "other-2024" in picker.options
    table = app.dataframe[-1].value
    assert table.loc["Opened", "survey-2025 · of delivered"] == "50%"
    assert table.loc["Delivered", "survey-2025 · people"] == 6
    assert table.loc["Delivered", "survey-2026 · people"] == 1


def test_the_open_rate_reads_the_same_on_the_overview_in_teams_and_in_the_teams_bot(fixed) -> None:
    overview = {m.label: m.delta for m in run_page("overview").metric}["Opened"]
    company = run_page("teams").dataframe[0].value
    bot = teams_answers.status(shared(fixed.db), fixed.bot_click_seconds, CAMPAIGN)
    assert overview == "67% of delivered"
    assert company["open_rate"].iloc[0] == 67  # drawn as "67%"
    assert "Opened: 4 (67% of delivered)" in bot
