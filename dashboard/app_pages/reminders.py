"""Whom to remind, and how: a segment, its preview, and its CSV (the same bytes as the CLI)."""

import streamlit as st

from core import audit
from core.funnel import SEGMENTS, segment
from core.reminders import reminders_csv
from dashboard import access, queries, sending, words
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

access.require_role("admin", "hr")
campaign = chosen_campaign()
st.title(f"Reminders · {words.md(campaign)}")
# Fixed options (no live counts in the labels) keep the choice across live updates.
picked = st.radio(
    "Segment",
    list(SEGMENTS),
    horizontal=True,
    key="reminders_segment",
    format_func=words.segment,
)


@st.fragment(run_every=queries.FRESH_SECONDS)
def chosen_segment() -> None:
    """Counts, advice and download for the chosen segment, refreshed so rows are today's."""
    people = queries.funnel(campaign)
    counts = {name: len(segment(people, name)) for name in SEGMENTS}
    st.caption(" · ".join(f"{words.segment(n)}: {counts[n]:,}" for n in SEGMENTS))
    st.info(ADVICE[picked])
    chosen = segment(people, picked)
    who = access.actor()  # here: Streamlit may build a lazy download outside this run
    st.download_button(
        f"Download {picked}.csv ({len(chosen):,} people)",
        data=lambda: audit.audited_export(
            queries.database(),
            who,
            campaign,
            picked,
            len(chosen),
            lambda: reminders_csv(chosen),
        ),  # fmt: skip
        file_name=f"reminders-{campaign}-{picked}.csv",
        mime="text/csv",
        type="primary",
        disabled=chosen.empty,
    )
    st.dataframe(chosen, hide_index=True, width="stretch")


chosen_segment()
sending.panel(campaign, picked)
