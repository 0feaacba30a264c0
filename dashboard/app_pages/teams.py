"""How each department and manager is doing, side by side; small groups fold into other."""

import pandas as pd
import streamlit as st

from dashboard import access, charts, live, queries, tables, words
from dashboard.campaign import chosen_campaign

EDGE = 5  # by manager: the best and the worst this many, unless one manager is picked
ORDERS = {"completion_rate": "Completion rate", "open_rate": "Open rate"}
COLUMNS = {
    "department": "Department", "manager": "Manager", "company": "Company", "people": "People",
    "delivered_people": "Delivered", "open_rate": "Open rate (of delivered)",
    "completion_rate": "Completion rate (of delivered)",
    **{stage: label for stage, label in words.STAGES.items()},
}  # fmt: skip

access.require_role("admin", "hr", "manager")
access.require_team()
campaign = chosen_campaign()
st.title(f"Teams · {words.md(campaign)}")
by_column, order_column = st.columns(2)
by = by_column.radio("Group by", ["department", "manager"], horizontal=True, format_func=str.title)
order = order_column.radio("Sort by", list(ORDERS), horizontal=True, format_func=ORDERS.get)
picked = None
if by == "manager" and queries.purged(campaign):
    st.info("This campaign's person-level data was purged: its counts are kept per department "
            "only, so there is no view by manager.")  # fmt: skip
    st.stop()
if by == "manager":
    named = queries.teams_for(campaign, by)[0]["manager"]
    hint = f"Type a name; without one, the top and bottom {EDGE}"
    picked = st.selectbox("Find a manager", sorted(named[named != "other"]), index=None,
                          placeholder=hint)  # fmt: skip


def edges(mix: pd.DataFrame) -> pd.DataFrame:
    """One picked manager, or the top and bottom EDGE managers: ~250 bars are unreadable."""
    if picked is not None:
        return mix[mix["manager"] == picked]
    if len(mix) <= 2 * EDGE:
        return mix
    st.caption(f"The {EDGE} highest and the {EDGE} lowest of {len(mix):,} managers by "
               f"{ORDERS[order].lower()}; find any manager above.")  # fmt: skip
    return pd.concat([mix.head(EDGE), mix.tail(EDGE)])


def table(rows: pd.DataFrame) -> None:
    config = {name: label for name, label in COLUMNS.items() if name in rows}
    config |= {rate: tables.rate_column(COLUMNS[rate]) for rate in ORDERS}
    rows = rows.assign(**{rate: tables.whole_percents(rows[rate]) for rate in ORDERS})
    first = [rows.columns[0], "people", "delivered_people", *ORDERS]  # the rates in view
    order = [*first, *(column for column in config if column not in first)]
    st.dataframe(rows, hide_index=True, width="stretch", column_config=config, column_order=order)


@live.part
def groups() -> None:
    mix, company, hidden = queries.teams_for(campaign, by)
    if mix.empty:
        st.info(f"No group of {queries.SMALLEST_GROUP} or more roster employees to show: import "
                f"the roster (`mailpulse roster import`), or wait for {queries.SMALLEST_GROUP} "
                "people to be mailed.")  # fmt: skip
        return
    mix = mix.sort_values(order, ascending=False)
    st.caption(
        f"Groups smaller than {queries.SMALLEST_GROUP} people are folded into 'other'"
        + (
            f"; {hidden} {'person' if hidden == 1 else 'people'} in groups too small even "
            "together are not shown."
            if hidden
            else "."
        )
        + " Bars: each group's people by stage. Rates: over delivered, as on the Overview."
    )
    shown = edges(mix) if by == "manager" else mix
    if picked is not None and queries.sees_people():  # a manager sees names as group labels only
        line = queries.reporting_line(campaign, picked)
        if line:
            st.markdown("Reporting line: " + " › ".join(words.md(name) for name in line))
    st.plotly_chart(charts.team_mix(shown, by), width="stretch")
    table(company)
    table(shown)


groups()
