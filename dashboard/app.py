"""The dashboard's table of contents."""

import streamlit as st

from dashboard.access import require_access

st.set_page_config(page_title="mailpulse", page_icon="📬", layout="wide")
require_access()
page = st.navigation(
    [
        st.Page("app_pages/receiver.py", title="Receiver", icon="📥", default=True),
        st.Page("app_pages/setup.py", title="Setup", icon="🔧"),
    ]
)
page.run()
