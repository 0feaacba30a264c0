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


SEGMENTS = {
    "not_sent": "Never mailed",
    "undelivered": "Mail did not arrive",
    "pending": "Still being delivered",
    "unopened": "Delivered, not opened",
    "unclicked": "Opened, not clicked",
    "incomplete": "Clicked, not completed",
    "opted_out": "Opted out",
}


def segment(name: str) -> str:
    return SEGMENTS.get(name, name)


BOUNCES = (  # a reason's group: the first whose pattern it matches (case-insensitive)
    ("policy", r"unsubscribed address|spam reporting address"),  # SendGrid's suppression lists
    ("mailbox full", r"\b[45]\.2\.2\b|mailbox (is )?full|quota|insufficient storage"),
    ("mailbox unknown", r"\b5\.1\.\d+\b|unknown|no such|does not exist|not ?found|invalid "
     r"(mailbox|recipient|address)|bounced address|mailbox unavailable"),
    ("blocked as spam", r"spam|junk|block ?list|black ?list|reputation|listed"),
    ("policy", r"policy|\b5\.7\.\d+\b|not (allowed|permitted|authori[sz]ed)|denied|dmarc|spf"),
)  # fmt: skip
BOUNCE_GROUPS = ("mailbox unknown", "mailbox full", "blocked as spam", "policy", "other")
_BOUNCES = [(group, re.compile(pattern, re.IGNORECASE)) for group, pattern in BOUNCES]


def bounce_group(reason: str) -> str:
    return next((group for group, pattern in _BOUNCES if pattern.search(reason)), "other")


STAGES = {
    "completed": "Completed the survey",
    "clicked": "Clicked, not completed",
    "opened": "Opened, not clicked",
    "delivered": "Delivered, not opened",
    "bounced": "Mail did not arrive",
    "deferred": "Delivery delayed",
    "sent": "Sent, not yet delivered",
    "not_sent": "Never mailed",
}
STEPS = {  # the funnel: who reached at least this step
    "invited": "Invited",
    "delivered": "Delivered",
    "opened": "Opened",
    "clicked": "Clicked the link",
    "completed": "Completed",
}
FLAGS = {
    "opted_out": "Opted out",
    "machine_open": "Privacy proxy open",
    "bot_click": "Link scanner click",
}
MEANING = (
    "Each number counts people who reached at least that step (someone who clicked also "
    "opened); machine opens and link-scanner clicks are left out. Rates are over delivered, "
    "rounded to a whole percent, as on every page, in the CLI and in Teams."
)


def stage(name: str) -> str:
    return STAGES.get(name, name)


def step(name: str) -> str:
    return STEPS.get(name, name)


def flag(name: str) -> str:
    return FLAGS.get(name, name)


def kind(campaign: str) -> str:
    """What a campaign is without its year or number: survey-2025 and survey-2026 are surveys."""
    return re.sub(r"[\d\W_]+", " ", campaign).strip().casefold()
