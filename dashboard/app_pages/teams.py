"""How each department and manager is doing, side by side; small groups fold into other."""

import streamlit as st

from dashboard import access, charts, queries, words
from dashboard.campaign import chosen_campaign

access.require_role("admin", "hr", "manager")
access.require_team()
campaign = chosen_campaign()
st.title(f"Teams · {words.md(campaign)}")
by_column, order_column = st.columns(2)
by = by_column.radio("Group by", ["department", "manager"], horizontal=True)
order = order_column.radio("Sort by", ["completion_rate", "open_rate"], horizontal=True,
                           format_func=lambda o: o.replace("_", " "))  # fmt: skip


@st.fragment(run_every=queries.FRESH_SECONDS)
def live() -> None:
    mix, company, hidden = queries.teams_for(campaign, by)
    mix = mix.sort_values(order, ascending=False)
    st.caption(
        f"Groups smaller than {queries.SMALLEST_GROUP} people are folded into 'other'"
        + (f"; {hidden} people in groups too small even together are not shown." if hidden else ".")
    )
    st.plotly_chart(charts.team_mix(mix, by), width="stretch")
    rates = {
        rate: st.column_config.ProgressColumn(rate.replace("_", " "), format="percent")
        for rate in ("open_rate", "completion_rate")
    }
    st.dataframe(company, hide_index=True, width="stretch", column_config=rates)
    st.dataframe(mix, hide_index=True, width="stretch", column_config=rates)


live()
