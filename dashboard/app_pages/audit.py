"""Who exported, sent, imported, changed or erased what, and every sign-in (admins only)."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from core import audit
from dashboard import access, queries

access.require_role("admin")
st.title("Audit")
days = st.number_input("Days back", min_value=1, max_value=3650, value=30)
rows = pd.DataFrame(
    audit.since(queries.database(), datetime.now(UTC) - timedelta(days=int(days))),
    columns=audit.FIELDS,
)
st.caption(f"{len(rows):,} actions recorded in the last {int(days)} days.")
st.dataframe(rows.iloc[::-1], hide_index=True, width="stretch")
