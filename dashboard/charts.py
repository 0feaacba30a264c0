"""Every chart of the dashboard: a DataFrame in, a plotly figure out."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

BLUE, GREY = "#2563eb", "#94a3b8"


def receiver_traffic(frame: pd.DataFrame) -> go.Figure:
    long = frame.melt(
        id_vars="hour",
        value_vars=["events_stored", "duplicates", "quarantined"],
        var_name="kind",
        value_name="events",
    )
    figure = px.bar(long, x="hour", y="events", color="kind", title="Events received per hour")
    return _tidy(figure)


def _tidy(figure: go.Figure) -> go.Figure:
    figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend_title_text="")
    return figure
