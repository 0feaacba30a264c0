"""The dashboard's table of contents."""

import streamlit as st

st.set_page_config(page_title="mailpulse", page_icon="📬", layout="wide")
page = st.navigation([st.Page("app_pages/receiver.py", title="Receiver", icon="📥", default=True)])
page.run()
