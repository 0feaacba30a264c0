"""Every question the dashboard asks, answered as a DataFrame from the shared database."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from mailpulse.database import Database, shared
from mailpulse.settings import current_settings

FRESH_SECONDS = 5  # live pages re-ask at most this often


def database() -> Database:
    return shared(current_settings().db)


@st.cache_data(ttl=FRESH_SECONDS, max_entries=64, show_spinner=False)
def _frame(db_path: str, name: str, **params: Any) -> pd.DataFrame:
    return database().frame(name, **params)


def frame(name: str, **params: Any) -> pd.DataFrame:
    """The named query's answer, cached for a few seconds per database and parameters."""
    return _frame(str(current_settings().db), name, **params)


def receiver_summary() -> dict[str, Any]:
    return frame("receiver_summary").iloc[0].to_dict()


def batches_over_time(days: int = 7) -> pd.DataFrame:
    return frame("batches_over_time", days=days)


def quarantine_recent(limit: int = 100) -> pd.DataFrame:
    return frame("quarantine_recent", limit=limit)


def events_by_type() -> pd.DataFrame:
    return frame("events_by_type")
