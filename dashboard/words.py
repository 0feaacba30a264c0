"""What the screen says: user text made harmless, and the SPEC's names in people's words.

CSVs, the CLI and the API keep the SPEC's names (`unclicked`, `machine_open`); only the screen
reads these labels. Text from users or SendGrid (a campaign name, a bounce reason, a department)
is escaped before Streamlit's Markdown and before Plotly, which both turn it into links.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

from core.steps import percent  # the one rounding of every rate: CLI, Teams, screen

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^&\"'])")


def md(text: Any) -> str:
    """User text as literal Markdown: no link, image, emphasis, colour or icon (`:red[...]`)."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


def plot(text: Any) -> Any:
    """User text for a Plotly label or hover: its `<a href>`, `<b>`, `<br>` become plain text."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return text
    return html.escape(str(text), quote=False)


def plot_column(values: pd.Series) -> pd.Series:
    return values.map(plot)


RATES_CAPTION = (
    "Each step counts the people who reached at least that step; rates are over delivered, "
    "in whole percent. Invited counts the people mailed."
)


def points(rate: float) -> int:
    """A rate as whole percent points, rounded as `percent` rounds it (for progress bars)."""
    return int(percent(rate).rstrip("%"))


STAGES = {
    "completed": "Completed the survey",
    "clicked": "Clicked, not completed",
    "opened": "Opened, not clicked",
    "delivered": "Delivered, not opened",
    "bounced": "Bounced or dropped",
    "deferred": "Delivery delayed",
    "sent": "Sent, not yet delivered",
    "not_sent": "Never mailed",
}
STEPS = {
    "invited": "Invited",
    "delivered": "Delivered",
    "opened": "Opened",
    "clicked": "Clicked",
    "completed": "Completed",
}
SEGMENTS = {
    "not_sent": "Never mailed",
    "undelivered": "Mail did not arrive",
    "pending": "Still being delivered",
    "unopened": "Delivered, not opened",
    "unclicked": "Opened, not clicked",
    "incomplete": "Clicked, not completed",
    "opted_out": "Opted out",
}
FLAGS = {
    "opted_out": "Opted out",
    "machine_open": "Apple proxy open",
    "bot_click": "Link scanner click",
}
COLUMNS = {
    "employee_id": "Employee ID",
    "email": "Email",
    "name": "Name",
    "department": "Department",
    "manager": "Manager",
    "manager_id": "Manager ID",
    "location": "Location",
    "stage": "Stage",
    "flags": "Flags",
    "delivered_at": "Delivered (UTC)",
    "opened_at": "First opened (UTC)",
    "clicked_at": "First clicked (UTC)",
    "last_event_at": "Last event (UTC)",
    "reason": "Reason",
    "mails_sent": "Mails sent",
    "last_mailed_at": "Last mailed (UTC)",
    "people": "People",
    "open_rate": "Open rate",
    "completion_rate": "Completion rate",
    "event": "Event",
    "events": "Events",
    "company": "Company",
}


def stage(name: str) -> str:
    return STAGES.get(name, name)


def segment(name: str) -> str:
    return SEGMENTS.get(name, name)


def flags(row: pd.Series) -> str:
    return ", ".join(label for flag, label in FLAGS.items() if bool(row.get(flag)))


def people_table(people: pd.DataFrame) -> pd.DataFrame:
    """The funnel's rows as a person reads them: stage in words, flags as words, blanks for none."""
    shown = people.copy()
    shown["stage"] = shown["stage"].map(stage)
    present = [flag for flag in FLAGS if flag in shown]
    if present:
        shown.insert(shown.columns.get_loc(present[0]), "flags", shown.apply(flags, axis=1))
        shown = shown.drop(columns=present)
    return headed(shown)


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """Column headers in words; empty cells blank (not "None")."""
    shown = frame.rename(columns=lambda c: COLUMNS.get(c, c))
    for column in shown.columns:
        if shown[column].dtype == object:
            shown[column] = shown[column].where(shown[column].notna(), "")
    return shown
