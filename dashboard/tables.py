"""Tables as people read them: headers in words, blanks for nothing, flags as words, and times
in the viewer's time zone (CSVs stay UTC)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st

from core.funnel import FLAGS
from core.steps import percent
from dashboard import words

PEOPLE = {  # shown column: header; the funnel's other columns stay off screen
    "name": "Name", "email": "Email", "department": "Department", "manager": "Manager",
    "stage": "Stage", "flags": "Flags", "delivered_at": "Delivered", "opened_at": "Opened",
    "clicked_at": "Clicked", "last_event_at": "Last event", "reason": "Why",
    "mails_sent": "Mails sent", "employee_id": "Employee ID", "location": "Location",
}  # fmt: skip
TIMELINE = {
    "time": "Time", "event": "Event", "type": "Type", "reason": "Why", "ip": "IP address",
    "useragent": "Mail client", "url": "Link", "machine_open": "Machine open",
    "received_at": "Received",
}  # fmt: skip
TIME_FORMAT = "%Y-%m-%d %H:%M"


def viewer_zone() -> str:
    """The browser's time zone (UTC when it is unknown, as in a test run)."""
    name = st.context.timezone or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def local_times(times: pd.Series, zone: str) -> pd.Series:
    """As text in `zone`, blank where there is no time (sorts as the times do)."""
    text = pd.to_datetime(times, utc=True).dt.tz_convert(zone).dt.strftime(TIME_FORMAT)
    return text.fillna("")


def flag_words(people: pd.DataFrame) -> pd.Series:
    """The set flags in words, "Opted out, Link scanner click"; blank when none is set."""
    set_flags = people[list(FLAGS)].fillna(False).astype(bool).itertuples(index=False)
    joined = [", ".join(words.flag(f) for f, on in zip(FLAGS, row, strict=True) if on)
              for row in set_flags]  # fmt: skip
    return pd.Series(joined, index=people.index, dtype=object)


def people(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    """The People table: its columns in reading order, stages and flags as words."""
    shown = frame.assign(stage=frame["stage"].map(words.stage), flags=flag_words(frame))
    for column in ("delivered_at", "opened_at", "clicked_at", "last_event_at"):
        shown[column] = local_times(shown[column], zone)
    text = [column for column in PEOPLE if column != "mails_sent"]
    return shown[list(PEOPLE)].fillna({column: "" for column in text})


def timeline(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    """One person's events with headers in words, times in `zone`, blanks for nothing."""
    shown = frame.assign(time=local_times(frame["time"], zone),
                         received_at=local_times(frame["received_at"], zone))  # fmt: skip
    text = [column for column in TIMELINE if column != "machine_open"]
    return shown[list(TIMELINE)].fillna({column: "" for column in text}).rename(columns=TIMELINE)


def people_columns() -> dict:
    config: dict = dict(PEOPLE)
    config["mails_sent"] = st.column_config.NumberColumn("Mails sent", width="small")
    config["reason"] = st.column_config.TextColumn("Why", width="medium")
    return config


def whole_percents(rates: pd.Series) -> pd.Series:
    """Rates as whole percents rounded as everywhere else (62 for "62%"), for a progress bar."""
    whole = [int(percent(rate).rstrip("%")) for rate in rates]  # .map on no rate gives no .str
    return pd.Series(whole, index=rates.index, dtype="int64")


def rate_column(label: str) -> st.column_config.ProgressColumn:
    return st.column_config.ProgressColumn(label, format="%d%%", min_value=0, max_value=100)
