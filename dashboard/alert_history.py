"""Receiver: the Teams alerts raised, and whether each was posted (a section of the page)."""

from __future__ import annotations

import streamlit as st

from dashboard import queries


def render() -> None:
    st.subheader("Teams alerts (latest 50)")
    alerts = queries.frame("alerts_recent")
    if alerts.empty:
        st.caption("No alert raised.")
    else:
        st.dataframe(alerts, hide_index=True, width="stretch")
    st.subheader("Quarantined completions (latest 100)")
    st.dataframe(queries.frame("completion_quarantine_recent"), hide_index=True, width="stretch")
