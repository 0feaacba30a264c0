"""Connect SendGrid: the URLs to paste, an OAuth client, signing keys, roster and completions."""

from urllib.parse import urlsplit

import streamlit as st

from core import audit, clients, completions, roster
from core.errors import UserError
from core.settings import current_settings
from dashboard import access, queries, sources_setup, words

PUBLIC_HTTPS = (
    "SendGrid posts only to a public HTTPS address: put mailpulse behind a reverse proxy or tunnel "
    "with a certificate and paste that address (https://…/api/webhooks/sendgrid), never a "
    "127.0.0.1 or http:// one."
)

access.require_role("admin")
settings = current_settings()
st.title("Setup")

origin = urlsplit(st.context.url or "http://127.0.0.1:8501")
base = f"{origin.scheme}://{origin.netloc}/api"
st.subheader("1. Paste into SendGrid's Event Webhook settings")
st.text_input("HTTP Post URL", f"{base}/webhooks/sendgrid", disabled=True)
st.text_input("OAuth Token URL", f"{base}/oauth/token", disabled=True)
st.caption(PUBLIC_HTTPS)

st.subheader("2. An OAuth client for SendGrid")
with st.form("new-client", clear_on_submit=True):
    name = st.text_input("Client name", placeholder="sendgrid-prod")
    description = st.text_input("Description (optional)")
    if st.form_submit_button("Create client", type="primary"):
        try:
            new = clients.create(queries.database(), name, description=description or None)
        except UserError as exc:
            st.error(words.md(exc))
        else:
            audit.record(queries.database(), access.actor(), "client_create", detail=new.name)
            st.success("Client created. Copy the secret now: it is shown only once.")
            st.code(f"Client ID:     {new.client_id}\nClient Secret: {new.client_secret}")
known = clients.listed(queries.database())
if known:
    st.dataframe(
        [{k: c[k] for k in ("name", "client_id", "created_at", "revoked_at")} for c in known],
        hide_index=True,
        width="stretch",
    )

st.subheader("3. Signed Event Webhook")
keys = len(settings.public_keys)
if keys:
    st.success(f"{keys} SendGrid verification key(s) configured: unsigned posts are refused.")
else:
    st.warning(
        "No verification key configured. Turn on Signed Event Webhook in SendGrid and put its "
        "key in MAILPULSE_SENDGRID_PUBLIC_KEYS (comma-separate several), then restart."
    )

st.subheader("4. Roster")
st.caption(
    "CSV with `employee_id,email` and optionally `name,department,manager,location,timezone,"
    "active`. Nothing is imported when a line is bad; every bad line is named."
)
roster_file = st.file_uploader("Roster CSV", type="csv", key="roster-file")
replace = st.checkbox("Mark employees missing from this file inactive (--replace)")
if roster_file is not None and st.button("Import roster", type="primary"):
    text = roster_file.getvalue().decode("utf-8-sig", errors="replace")
    try:
        result = roster.import_roster(queries.database(), text, replace=replace)
    except UserError as exc:
        st.error(words.md(exc))
    else:
        audit.record(queries.database(), access.actor(), "roster_import",
                     rows=result.inserted + result.updated)  # fmt: skip
        st.success(
            f"Roster imported: {result.inserted:,} new, {result.updated:,} updated, "
            f"{result.deactivated:,} marked inactive."
        )

st.subheader("5. Survey completions")
st.caption("CSV with `employee_id` or `email`, optionally `completed_at` (default: now).")
campaign_names = list(queries.campaigns()["campaign"])
completion_campaign = st.selectbox("Campaign", campaign_names, index=None, key="completions-for")
completions_file = st.file_uploader("Completions CSV", type="csv", key="completions-file")
ready = completions_file is not None and completion_campaign is not None
if st.button("Import completions", type="primary", disabled=not ready):
    text = completions_file.getvalue().decode("utf-8-sig", errors="replace")
    try:
        result = completions.import_completions(queries.database(), completion_campaign, text)
    except UserError as exc:
        st.error(words.md(exc))
    else:
        audit.record(queries.database(), access.actor(), "completions_import",
                     campaign=completion_campaign, rows=result.recorded)  # fmt: skip
        st.success(f"Completions recorded for {result.recorded:,} employees ({result.new:,} new).")

sources_setup.render(base, settings)
