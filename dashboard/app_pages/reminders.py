"""Whom to remind, and how: a segment, its preview, and its CSV (the same bytes as the CLI)."""

import streamlit as st

from core.funnel import SEGMENTS, segment
from core.reminders import reminders_csv
from dashboard import queries
from dashboard.campaign import chosen_campaign

ADVICE = {
    "not_sent": "Invite them: they are on the roster but no mail went out.",
    "undelivered": "Fix the address: the mail bounced or was dropped (reason column).",
    "pending": "Wait: SendGrid is still trying to deliver.",
    "unopened": "Resend with a new subject line.",
    "unclicked": "Remind them with a different text.",
    "incomplete": "They started: ask them to finish the survey.",
    "opted_out": "Never remind them: they unsubscribed or reported spam.",
}

campaign = chosen_campaign()
st.title(f"Reminders · {campaign}")
people = queries.funnel(campaign)
counts = {name: len(segment(people, name)) for name in SEGMENTS}
picked = st.radio("Segment", list(SEGMENTS), horizontal=True,
                  format_func=lambda name: f"{name} ({counts[name]:,})")  # fmt: skip
st.info(ADVICE[picked])
chosen = segment(people, picked)
st.download_button(
    f"Download {picked}.csv ({len(chosen):,} people)",
    data=reminders_csv(chosen),
    file_name=f"reminders-{campaign}-{picked}.csv",
    mime="text/csv",
    type="primary",
    disabled=chosen.empty,
)
st.dataframe(chosen, hide_index=True, width="stretch")
