"""The campaign picker shared by every funnel page (it lives in the sidebar)."""

import streamlit as st

from dashboard import access, queries, sending

KEPT = "picked_campaign"  # survives pages without the picker, unlike a widget's own key


def chosen_campaign() -> str:
    """The campaign picked in the sidebar; stops the page when there is no campaign yet."""
    names = list(queries.campaigns()["campaign"])
    names += [name for name in sending.defined() if name not in names]  # invite from Reminders
    if not names:
        st.info(
            "No campaign yet: once SendGrid posts events (see Setup), or once one is defined "
            "with `mailpulse campaigns create`, campaigns appear here. Try `mailpulse demo` "
            "for a simulated one."
        )
        st.stop()
    kept = st.session_state.get(KEPT)
    index = names.index(kept) if kept in names else 0
    picked = st.sidebar.selectbox("Campaign", names, index=index)
    st.session_state[KEPT] = picked
    found = access.viewer()
    if found is not None and found.role == "manager" and queries.purged(picked):
        st.info(queries.PURGED_FOR_MANAGERS)
        st.stop()
    return picked
