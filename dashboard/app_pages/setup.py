"""Connect SendGrid: the URLs to paste, an OAuth client, signing keys, roster and completions."""

from urllib.parse import urlsplit

import streamlit as st

from dashboard import queries
from mailpulse.commands import CommandError, clients_create, clients_list
from mailpulse.settings import current_settings

settings = current_settings()
st.title("Setup")

origin = urlsplit(st.context.url or "http://127.0.0.1:8501")
base = f"{origin.scheme}://{origin.netloc}/api"
st.subheader("1. Paste into SendGrid's Event Webhook settings")
st.text_input("HTTP Post URL", f"{base}/webhooks/sendgrid", disabled=True)
st.text_input("OAuth Token URL", f"{base}/oauth/token", disabled=True)

st.subheader("2. An OAuth client for SendGrid")
with st.form("new-client", clear_on_submit=True):
    name = st.text_input("Client name", placeholder="sendgrid-prod")
    description = st.text_input("Description (optional)")
    if st.form_submit_button("Create client", type="primary"):
        try:
            new = clients_create(
                queries.database(), settings, name, description=description or None
            )
        except CommandError as exc:
            st.error(str(exc))
        else:
            st.success("Client created. Copy the secret now: it is shown only once.")
            st.code(f"Client ID:     {new['client_id']}\nClient Secret: {new['client_secret']}")
clients = clients_list(queries.database(), settings)
if clients:
    st.dataframe(
        [{k: c[k] for k in ("name", "client_id", "created_at", "revoked_at")} for c in clients],
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
