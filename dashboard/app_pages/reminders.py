"""Whom to remind, and how: a segment, its preview, and its CSV (the same bytes as the CLI)."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core import audit
from core.funnel import SEGMENTS, segment
from core.reminders import reminders_csv, reminders_excel_csv, reminders_xlsx
from dashboard import access, live, queries, sending, tables, words
from dashboard.campaign import chosen_campaign

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


def download(place, chosen: pd.DataFrame, suffix: str, build: Callable[[pd.DataFrame], bytes],
             mime: str, detail: str | None) -> None:  # fmt: skip
    """One download of the chosen rows, audited (`detail`: its format) before it is built."""
    who = access.actor()  # here: Streamlit may build a lazy download outside this run
    place.download_button(
        f"Download {picked}{suffix} ({len(chosen):,} people)",
        data=lambda: audit.audited_export(
            queries.database(), who, campaign, picked, len(chosen), lambda: build(chosen), detail
        ),  # fmt: skip
        file_name=f"reminders-{campaign}-{picked}{suffix}",
        mime=mime,
        type="primary" if suffix == ".csv" else "secondary",
        disabled=chosen.empty,
        on_click="ignore",  # a download changes nothing on the page: no rerun under the next click
        width="stretch",
    )


@live.part
def chosen_segment() -> None:
    """Counts, advice and download for the chosen segment, refreshed so rows are today's."""
    people = queries.funnel(campaign)
    counts = {name: len(segment(people, name)) for name in SEGMENTS}
    st.caption(" · ".join(f"{words.segment(n)}: {counts[n]:,}" for n in SEGMENTS))
    st.info(ADVICE[picked])
    chosen = segment(people, picked)
    excel = st.checkbox("For Excel: UTF-8 with a byte order mark (accents survive a double-click)",
                        key="reminders_excel_csv")  # fmt: skip
    csv, xlsx = st.columns(2)
    if excel:
        download(csv, chosen, ".csv", reminders_excel_csv, "text/csv", "csv with BOM")
    else:
        download(csv, chosen, ".csv", reminders_csv, "text/csv", None)
    download(xlsx, chosen, ".xlsx", reminders_xlsx, XLSX, "xlsx")
    zone = tables.viewer_zone()
    st.caption(f"Times in your time zone, {zone}; the files keep UTC.")
    st.dataframe(tables.people(chosen, zone), hide_index=True, width="stretch",
                 column_config=tables.people_columns())  # fmt: skip


chosen_segment()
sending.panel(campaign, picked)
