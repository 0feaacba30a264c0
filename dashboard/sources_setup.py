"""Setup: survey tools that post completions, and Microsoft Teams (a section of the Setup page)."""

from __future__ import annotations

import streamlit as st

from core import sources
from core.errors import UserError
from core.settings import Settings
from dashboard import queries, words

HELP = {
    "standard": "Standard Webhooks (Power Automate, Apps Script, any tool): mailpulse makes the "
    "secret; paste it into the tool.",
    "typeform": "Typeform → Connect → Webhooks: paste the URL, set a secret, and enter it here.",
    "tally": "Tally → Integrations → Webhooks: paste the URL, set a signing secret, enter it here.",
}


def render(base: str, settings: Settings) -> None:
    st.subheader("6. Survey tools (completions by webhook)")
    st.caption(
        "Add the hidden field `token` to the survey (filled from the survey link's `{token}`), "
        "or `employee_id` / `email`."
    )
    _new_source(base)
    known = sources.listed(queries.database())
    if known:
        rows = [{**s, "url": f"{base}/webhooks/completions/{s['name']}"} for s in known]
        st.dataframe(rows, hide_index=True, width="stretch")
    _teams(base, settings)


def _new_source(base: str) -> None:
    with st.form("new-source", clear_on_submit=True):
        name = st.text_input("Source name", placeholder="typeform-2026")
        kind = st.selectbox("Kind", sources.KINDS, help=" ".join(HELP.values()))
        campaign = st.text_input("Campaign (when the post names none, optional)")
        secret = st.text_input("Secret set in the tool (Typeform, Tally)", type="password")
        if st.form_submit_button("Add source", type="primary"):
            _create(base, name, kind, campaign or None, secret or None)


def _create(base: str, name: str, kind: str, campaign: str | None, secret: str | None) -> None:
    try:
        new = sources.create(queries.database(), name, kind, campaign, secret)
    except UserError as exc:
        st.error(words.md(exc))
        return
    st.success(f"Source added. {HELP[kind]}")
    lines = [f"URL: {base}/webhooks/completions/{new.name}"]
    if new.secret:
        lines.append(f"Secret: {new.secret}")
        st.warning("Copy the secret now: it is shown only once.")
    st.code("\n".join(lines))


def _teams(base: str, settings: Settings) -> None:
    st.subheader("7. Microsoft Teams")
    st.text_input("Outgoing webhook callback URL", f"{base}/webhooks/teams", disabled=True)
    if settings.teams_outgoing_token.get_secret_value():
        st.success("MAILPULSE_TEAMS_OUTGOING_TOKEN is set: the channel bot answers.")
    else:
        st.info("Set MAILPULSE_TEAMS_OUTGOING_TOKEN to the token Teams shows, then restart.")
    if settings.teams_workflow_url.get_secret_value():
        st.success("MAILPULSE_TEAMS_WORKFLOW_URL is set: alerts and digests are posted.")
    else:
        st.info("Set MAILPULSE_TEAMS_WORKFLOW_URL to a Workflows webhook URL for alerts.")
