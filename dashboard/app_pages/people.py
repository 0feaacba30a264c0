"""Every employee: stage, flags and times; filters, search, and one person's timeline."""

import pandas as pd
import streamlit as st

from core.funnel import FLAGS, STAGES
from dashboard import access, live, queries, sending, tables, words
from dashboard.campaign import chosen_campaign

access.require_role("admin", "hr")
campaign = chosen_campaign()
st.title(f"People · {words.md(campaign)}")

people = queries.funnel(campaign)
stages, departments, managers, flags, search = st.columns([2, 2, 2, 2, 3])
picked_stages = stages.multiselect("Stage", STAGES, format_func=words.stage)
picked_departments = departments.multiselect(
    "Department", sorted(people["department"].dropna().unique())
)
picked_managers = managers.multiselect("Manager", sorted(people["manager"].dropna().unique()))
picked_flags = flags.multiselect("Flag", FLAGS, format_func=words.flag)
query = search.text_input("Search name or email", placeholder="e.g. meier")


def filtered(people: pd.DataFrame) -> pd.DataFrame:
    keep = pd.Series(True, index=people.index)
    if picked_stages:
        keep &= people["stage"].isin(picked_stages)
    if picked_departments:
        keep &= people["department"].isin(picked_departments)
    if picked_managers:
        keep &= people["manager"].isin(picked_managers)
    for flag in picked_flags:
        keep &= people[flag]
    if query:
        text = people["name"].fillna("") + " " + people["email"].fillna("")
        keep &= text.str.contains(query, case=False, regex=False)
    return people[keep]


@live.part
def people_table() -> None:
    shown = filtered(queries.funnel(campaign))
    zone = tables.viewer_zone()
    st.caption(f"{len(shown):,} of {len(people):,} people · times in your time zone, {zone}")
    st.dataframe(tables.people(shown, zone), hide_index=True, width="stretch",
                 column_config=tables.people_columns())  # fmt: skip


people_table()

st.subheader("One person's timeline")
labels = (
    people["employee_id"].fillna("") + " · " + people["name"].fillna(people["email"].fillna(""))
)
choice = st.selectbox("Person", labels.index, format_func=labels.get, index=None,
                      placeholder="Pick someone to see their events")  # fmt: skip
if choice is not None:
    person = people.loc[choice]
    employee_id = None if pd.isna(person["employee_id"]) else person["employee_id"]
    if person["bot_click"] or person["stage"] == "bounced":
        st.info(f"Why: {words.md(person['reason'])}")
    zone = tables.viewer_zone()
    sending.person_mails(campaign, employee_id, zone)
    events = queries.timeline(campaign, employee_id, person["email"])
    st.dataframe(tables.timeline(events, zone), hide_index=True, width="stretch")
