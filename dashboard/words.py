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
