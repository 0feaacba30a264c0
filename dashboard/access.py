"""Who may see the dashboard: OIDC (`[auth]` in secrets), else a shared password, else all."""

from __future__ import annotations

import hmac

import streamlit as st

from core.settings import current_settings


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def require_access() -> None:
    """Stops the page unless the viewer has signed in (or no protection is configured)."""
    if oidc_configured():
        if not st.user.is_logged_in:
            st.title("mailpulse")
            st.button("Sign in", on_click=st.login, type="primary")
            st.stop()
        return
    password = current_settings().dashboard_password.get_secret_value()
    if not password or st.session_state.get("signed_in"):
        return
    st.title("mailpulse")
    with st.form("sign-in"):
        given = st.text_input("Dashboard password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            if hmac.compare_digest(given.encode(), password.encode()):
                st.session_state.signed_in = True
                st.rerun()
            st.error("That password is not right.")
    st.stop()
