"""How is the campaign doing? Tiles, the funnel, events over time, opens, bounces."""

import streamlit as st

from dashboard import access, charts, queries, words
from dashboard.campaign import chosen_campaign

access.require_role("admin", "hr", "manager")
access.require_team()
campaign = chosen_campaign()
st.title(f"Overview · {words.md(campaign)}")


@st.fragment(run_every=queries.FRESH_SECONDS)
def live() -> None:
    steps = queries.steps_for(campaign)
    tiles = st.columns(len(steps))
    for tile, step in zip(tiles, steps.itertuples(), strict=True):
        rate = "" if step.step in ("invited", "delivered") else f"{step.rate:.0%} of delivered"
        gap = step.with_machines - step.people
        tile.metric(
            step.step.capitalize(), f"{step.people:,}", rate or None,
            delta_color="off", delta_arrow="off", border=True,
        )  # fmt: skip
        if gap:
            tile.caption(f"{step.rate_with_machines:.0%} with {gap:,} machine opens/bot clicks")
    st.plotly_chart(charts.funnel(steps), width="stretch")
    if not queries.sees_people():
        return  # a manager: the team's funnel only, no per-hour or per-person shapes
    people = queries.funnel(campaign)
    left, right = st.columns(2)
    over_time = queries.events_over_time(campaign)
    if not over_time.empty:
        left.plotly_chart(charts.events_over_time(over_time), width="stretch")
    hours = queries.delivery_to_open_hours(people)
    if not hours.empty:
        right.plotly_chart(charts.delivery_to_open(hours), width="stretch")
    reasons = queries.bounce_reasons(campaign)
    if reasons.empty:
        st.caption("No bounce or drop in this campaign.")
    else:
        st.plotly_chart(charts.bounce_reasons(reasons), width="stretch")


live()
