"""The dashboard's table of contents."""

import streamlit as st

from core.priority import lower_this_thread
from dashboard.access import pages_for, require_access

lower_this_thread()  # this run's queries yield the CPU to ingestion
st.set_page_config(page_title="mailpulse", page_icon=":material/mark_email_read:", layout="wide")
viewer = require_access()
page = st.navigation(
    pages_for(
        viewer,
        {
            "Survey": [
                st.Page(
                    "app_pages/overview.py",
                    title="Overview",
                    icon=":material/insights:",
                    default=True,
                ),
                st.Page("app_pages/people.py", title="People", icon=":material/person_search:"),
                st.Page("app_pages/teams.py", title="Teams", icon=":material/groups:"),
                st.Page(
                    "app_pages/reminders.py", title="Reminders", icon=":material/outgoing_mail:"
                ),
            ],
            "Admin": [
                st.Page("app_pages/receiver.py", title="Receiver", icon=":material/move_to_inbox:"),
                st.Page("app_pages/setup.py", title="Setup", icon=":material/settings:"),
                st.Page("app_pages/audit.py", title="Audit", icon=":material/policy:"),
            ],
        },
    )
)
page.run()
