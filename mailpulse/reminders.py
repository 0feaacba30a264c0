"""The reminder CSV: one pure function, so the dashboard and the CLI produce the same bytes."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from mailpulse.funnel import FLAGS

HEADER = (
    "employee_id", "email", "name", "department", "manager", "stage",
    "delivered_at", "opened_at", "clicked_at", "last_event_at", "flags", "reason",
)  # fmt: skip
TIMES = ("delivered_at", "opened_at", "clicked_at", "last_event_at")
FREE_TEXT = ("employee_id", "email", "name", "department", "manager", "reason")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def reminders_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8, CRLF rows, sorted by employee_id then email; cells safe from formula injection."""
    cells = {column: _cells(frame, column) for column in HEADER}
    keys = pd.DataFrame({"id": cells["employee_id"], "email": cells["email"]})
    order = keys.sort_values(["id", "email"], kind="stable").index.to_numpy()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(zip(*(cells[column][order] for column in HEADER), strict=True))
    return out.getvalue().encode("utf-8")


def _cells(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column == "flags":
        return flags(frame)
    if column in TIMES:
        return utc_seconds(frame[column])
    text = frame[column].astype(object).where(frame[column].notna(), "").astype(str).to_numpy()
    return defused(text) if column in FREE_TEXT else text


def utc_seconds(times: pd.Series) -> np.ndarray:
    """YYYY-MM-DDTHH:MM:SSZ, empty where there is no time."""
    utc = pd.to_datetime(times, utc=True).dt.tz_localize(None).to_numpy("datetime64[s]")
    text = np.char.add(np.datetime_as_string(utc, unit="s"), "Z").astype(object)
    return np.where(np.isnat(utc), "", text)


def flags(frame: pd.DataFrame) -> np.ndarray:
    """The set flags, in the order opted_out;machine_open;bot_click."""
    code = np.zeros(len(frame), dtype=int)
    for bit, flag in enumerate(FLAGS):
        code += frame[flag].fillna(False).to_numpy(dtype=bool) * (1 << bit)
    names = [";".join(f for bit, f in enumerate(FLAGS) if n >> bit & 1) for n in range(8)]
    return np.array(names, dtype=object)[code]


def defused(text: np.ndarray) -> np.ndarray:
    """A spreadsheet would run a cell starting like a formula: a leading ' keeps it text."""
    cells = [f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell for cell in text]
    return np.array(cells, dtype=object)
