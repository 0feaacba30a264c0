"""Who is looking, and as what: OIDC (`[auth]` in secrets), else users with passwords, else the
shared password (whoever has it is admin), else nobody is asked (loopback only: admin)."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import audit, users
from core.database import Database, shared
from core.errors import UserError
from core.settings import current_settings
from core.users import Viewer
from dashboard import words

KEPT = "viewer_email"  # only the email is kept: role and team are read afresh every run
OIDC_AUDITED = "oidc_audited"  # the email whose OIDC sign-in this session has audited
ADMIN = Viewer("admin", "admin")
SURVEY_ROLES = ("admin", "hr")


def database() -> Database:
    return shared(current_settings().db)


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def viewer() -> Viewer | None:
    """The signed-in viewer of this run (outside a dashboard run: library use, admin)."""
    if get_script_run_ctx() is None:
        return ADMIN
    return st.session_state.get("viewer")


def require_access() -> Viewer:
    """Stops the page unless the viewer has signed in; a removed user is out at once."""
    found = _current()
    if found is None:
        st.session_state.pop("viewer", None)
        _sign_in()
        st.stop()
    st.session_state.viewer = found
    _sign_out_button(found)
    return found


def actor() -> str:
    """Who this run's actions are recorded as in the audit trail."""
    found = viewer()
    return found.email if found else "nobody"


MANAGER_PAGES = ("Overview", "Teams")


def pages_for(found: Viewer, sections: dict[str, list]) -> dict[str, list]:
    """The navigation this role sees: managers two survey pages, hr the survey, admin all."""
    if found.role == "admin":
        return sections
    survey = sections["Survey"]
    if found.role == "manager":
        survey = [page for page in survey if page.title in MANAGER_PAGES]
    return {"Survey": survey}


def require_role(*roles: str) -> None:
    """At the top of a page: anyone else sees one sentence, and nothing of the page."""
    found = viewer()
    if found is None or found.role not in roles:
        st.warning("This page is not open to your role.")
        st.stop()


def require_team() -> None:
    """A manager with fewer than 5 people below them sees one sentence instead of figures."""
    found = viewer()
    if found is None or found.role != "manager":
        return
    size = len(users.reporting_line(database(), found.employee_id))
    if size < users.SMALLEST_GROUP:
        st.info(
            f"{size} people are below you in the reporting line: mailpulse shows figures for "
            f"groups of {users.SMALLEST_GROUP} or more only, so there is nothing to show you."
        )
        st.stop()


def _current() -> Viewer | None:
    db = database()
    if oidc_configured():
        return _oidc_viewer(db) if st.user.is_logged_in else None
    if users.any_exist(db):
        email = st.session_state.get(KEPT)
        return users.find(db, email) if email else None
    password = current_settings().dashboard_password.get_secret_value()
    return ADMIN if not password or st.session_state.get("signed_in") else None


def _oidc_viewer(db: Database) -> Viewer | None:
    """The user or roster manager the provider's email claim names; a session's first run
    audits the sign-in, or its refusal when the email is nobody mailpulse knows."""
    email = users.normalized(str(st.user.get("email") or ""))
    found = users.find(db, email) or users.manager_by_roster(db, email)
    if st.session_state.get(OIDC_AUDITED) != email:
        action, why = ("sign_in", "oidc") if found else ("sign_in_refused", "oidc: no such user")
        audit.record(db, email or "oidc:no-email", action, detail=why)
        st.session_state[OIDC_AUDITED] = email
    return found


def _sign_in() -> None:
    st.title("mailpulse")
    if oidc_configured():
        if st.user.is_logged_in:
            st.error("Your account has no access to this dashboard: ask HR or the administrator.")
            st.button("Sign out", on_click=st.logout)
        else:
            st.button("Sign in", on_click=st.login, type="primary")
    elif users.any_exist(database()):
        _password_form()
    else:
        _shared_password_form()


def _password_form() -> None:
    with st.form("sign-in"):
        email = st.text_input("Email")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            try:
                signed = users.sign_in(database(), email, password)
            except UserError as exc:
                st.error(str(exc))
            else:
                st.session_state[KEPT] = signed.email
                st.rerun()


def _shared_password_form() -> None:
    password = current_settings().dashboard_password.get_secret_value()
    with st.form("sign-in"):
        given = st.text_input("Dashboard password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            try:
                users.sign_in_shared(database(), given, password)
            except UserError as exc:
                st.error(str(exc))
            else:
                st.session_state.signed_in = True
                st.rerun()


def _sign_out_button(found: Viewer) -> None:
    if found is ADMIN and not current_settings().dashboard_password.get_secret_value():
        return  # nobody signed in: there is nothing to sign out of
    st.sidebar.caption(f"Signed in as {words.md(found.email)} ({found.role})")
    if st.sidebar.button("Sign out"):
        for key in (KEPT, "viewer", "signed_in", OIDC_AUDITED):
            st.session_state.pop(key, None)
        if oidc_configured():
            st.logout()
        st.rerun()
