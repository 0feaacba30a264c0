"""Every question the dashboard asks, answered as a DataFrame from the shared database."""

from __future__ import annotations

import pandas as pd

from mailpulse.database import Database, shared
from mailpulse.settings import current_settings


def database() -> Database:
    return shared(current_settings().db)


def receiver_summary() -> pd.Series:
    return database().frame("receiver_summary").iloc[0]


def events_by_type() -> pd.DataFrame:
    return database().frame("events_by_type")
