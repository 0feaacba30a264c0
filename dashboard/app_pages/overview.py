"""How is the campaign doing? Tiles, the funnel, what to do next, events over time, bounces."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from core import funnel as funnel_sql
from core.steps import percent
from dashboard import access, charts, live, queries, tables, words
from dashboard.campaign import chosen_campaign

REMINDERS = "app_pages/reminders.py"
SEGMENT_KEY = "reminders_segment"  # the Reminders radio's key: a link chooses its segment

access.require_role("admin", "hr", "manager")
access.require_team()
campaign = chosen_campaign()
st.title(f"Overview · {words.md(campaign)}")
st.caption(words.MEANING)


def schedule_line(never_mailed: int) -> str:
    first, deadline = queries.schedule(campaign)
    zone = tables.viewer_zone()
    sent = None if first is None else first.tz_convert(zone)
    parts = [f"First mail sent {sent:%Y-%m-%d}" if sent is not None else "No mail sent yet"]
    if deadline is not None:
        left = (deadline - datetime.now(UTC).date()).days
        parts.append(
            f"deadline {deadline:%Y-%m-%d} ({f'{left} days left' if left >= 0 else 'passed'})"
        )
    parts.append(f"{never_mailed:,} roster employees never mailed")
    return " · ".join(parts)


def next_steps(people) -> None:
    st.subheader("What to do next")
    counts = queries.segment_counts(people)
    row = st.container(horizontal=True)
    for name, count in counts.items():
        if row.button(
            f"{words.segment(name)}: {count:,}", key=f"go-{name}", icon=":material/mail:"
        ):
            st.session_state[SEGMENT_KEY] = name
            st.switch_page(REMINDERS)


def not_on_roster(people) -> None:
    apart = funnel_sql.not_on_roster(people)
    if apart.empty:
        return
    with st.expander(f"Addresses not on the roster: {len(apart):,}"):
        st.caption("Mail went to these addresses (a test mailbox, a forward) but they are not on "
                   "the roster: they are in no count above and in no reminder.")  # fmt: skip
        zone = tables.viewer_zone()
        shown = apart[["email", "stage", "last_event_at"]].assign(
            stage=apart["stage"].map(words.stage),
            last_event_at=tables.local_times(apart["last_event_at"], zone),
        )
        st.dataframe(shown, hide_index=True, width="stretch",
                     column_config={"email": "Email", "stage": "Stage",
                                    "last_event_at": f"Last event ({zone})"})  # fmt: skip


@live.part
def this_campaign() -> None:
    steps, never_mailed = queries.steps_for(campaign)
    st.markdown(schedule_line(never_mailed))
    tiles = st.columns(len(steps))
    for tile, step in zip(tiles, steps.itertuples(), strict=True):
        rate = "" if step.step in ("invited", "delivered") else f"{percent(step.rate)} of delivered"
        gap = step.with_machines - step.people
        tile.metric(
            words.step(step.step), f"{step.people:,}", rate or None,
            delta_color="off", delta_arrow="off", border=True,
        )  # fmt: skip
        if gap:
            tile.caption(
                f"{percent(step.rate_with_machines)} with {gap:,} machine opens/bot clicks"
            )
    st.plotly_chart(charts.funnel(steps), width="stretch")
    if not queries.sees_people():
        return  # a manager: the team's funnel only, no per-hour or per-person shapes
    people = queries.funnel(campaign)
    next_steps(people)
    not_on_roster(people)
    left, right = st.columns(2)
    over_time = queries.events_over_time(campaign)
    if not over_time.empty:
        left.plotly_chart(charts.events_over_time(over_time, tables.viewer_zone()), width="stretch")
    hours = queries.delivery_to_open_bins(people)
    if not hours.empty:
        right.plotly_chart(charts.delivery_to_open(hours), width="stretch")
    reasons = queries.bounce_reasons(campaign)
    if reasons.empty:
        st.caption("No bounce or drop in this campaign.")
    else:
        st.plotly_chart(charts.bounce_reasons(reasons), width="stretch")


def comparison() -> None:
    """This campaign beside an earlier one (last year's survey): the funnel and the rates."""
    earlier = queries.earlier_campaigns(campaign)
    if not earlier:
        return
    st.subheader("Compared with an earlier campaign")
    other = st.selectbox("Earlier campaign", earlier, key=f"compare-{campaign}")
    both = pd.concat(
        [queries.steps_for(name)[0].assign(campaign=name) for name in (campaign, other)]
    )
    st.plotly_chart(charts.comparison(both), width="stretch")
    rates = both["rate"].map(percent).where(both["step"] != "invited", "")
    table = both.assign(step=both["step"].map(words.step), rate=rates)
    wide = table.pivot(index="step", columns="campaign", values=["people", "rate"])
    wide = wide.reindex([words.step(s) for s in words.STEPS])
    wide.columns = [f"{name} · {'people' if what == 'people' else 'of delivered'}"
                    for what, name in wide.columns]  # fmt: skip
    st.dataframe(wide, width="stretch")


this_campaign()
live.steady(comparison)
