"""Every chart of the dashboard: a DataFrame in, a plotly figure out."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from core.funnel import STAGES
from core.steps import percent
from dashboard import words

STAGE_COLOURS = {
    "completed": "#15803d", "clicked": "#22c55e", "opened": "#86efac", "delivered": "#93c5fd",
    "bounced": "#ef4444", "deferred": "#fbbf24", "sent": "#cbd5e1", "not_sent": "#e2e8f0",
}  # fmt: skip


def funnel(steps: pd.DataFrame) -> go.Figure:
    """People who reached each step; percentages over delivered, as every rate."""
    labels = steps["step"].map(words.step)
    shares = [
        f"{people:,}" if step == "invited" else f"{people:,} · {percent(rate)}"
        for step, people, rate in zip(steps["step"], steps["people"], steps["rate"], strict=True)
    ]
    hovers = [f"{share} of delivered" if "·" in share else share for share in shares]
    figure = go.Figure()
    figure.add_trace(
        go.Funnel(name="as SendGrid counts (machines included)", y=labels,
                  x=steps["with_machines"], marker_color="#cbd5e1", textinfo="value")
    )  # fmt: skip
    figure.add_trace(
        go.Funnel(name="people (machine opens and link-scanner clicks left out)", y=labels,
                  x=steps["people"], marker_color="#2563eb", text=shares, textinfo="text",
                  hovertext=hovers, hoverinfo="y+text")
    )  # fmt: skip
    figure.update_layout(funnelmode="overlay", title="Funnel: people who reached each step")
    return _tidy(figure)


def comparison(both: pd.DataFrame) -> go.Figure:
    """Two campaigns' rates over delivered, step by step, side by side."""
    both = both[both["step"].isin(["opened", "clicked", "completed"])]
    both = both.assign(
        step=both["step"].map(words.step), campaign=words.plot_column(both["campaign"])
    )
    figure = px.bar(both, x="step", y="rate", color="campaign", barmode="group",
                    custom_data=["people"], title="Rates over delivered, side by side")  # fmt: skip
    figure.update_traces(hovertemplate="%{fullData.name} · %{x}: %{customdata[0]:,} people "
                         "(%{y:.0%} of delivered)<extra></extra>")  # fmt: skip
    figure.update_yaxes(tickformat=".0%", title="")
    figure.update_xaxes(title="")
    return _tidy(figure)


def events_over_time(frame: pd.DataFrame, zone: str) -> go.Figure:
    frame = frame.assign(event=words.plot_column(frame["event"]), hour=_local(frame["hour"], zone))
    figure = px.bar(frame, x="hour", y="events", color="event", title=f"Events per hour ({zone})")
    return _tidy(figure)


def delivery_to_open(bins: pd.DataFrame) -> go.Figure:
    """A histogram of queries.delivery_to_open_bins: one bar per bin, edge to edge."""
    figure = go.Figure(go.Bar(
        x=(bins["start"] + bins["end"]) / 2, y=bins["people"], width=bins["end"] - bins["start"],
        customdata=bins[["start", "end"]],
        hovertemplate="%{customdata[0]:.1f}-%{customdata[1]:.1f} h: %{y:,} people<extra></extra>",
    ))  # fmt: skip
    figure.update_layout(title="Hours from delivery to first human open", showlegend=False,
                         xaxis_title="hours", yaxis_title="people", bargap=0)  # fmt: skip
    return _tidy(figure)


def bounce_reasons(groups: pd.DataFrame, shown: int = 8) -> go.Figure:
    """Bounces and drops by group; the raw SMTP reasons of each bar on hover."""
    hovers = [
        "<br>".join(
            "<br>   ".join(textwrap.wrap(f"{n:,} × {words.plot(reason)}", 90))
            for n, reason in zip(counts[:shown], reasons[:shown], strict=True)
        )
        + (f"<br>… and {len(reasons) - shown:,} more reasons" if len(reasons) > shown else "")
        for reasons, counts in zip(groups["reasons"], groups["counts"], strict=True)
    ]
    figure = px.bar(groups.assign(raw=hovers), x="recipients", y="group", color="kind",
                    orientation="h", custom_data=["raw"], title="Why mail did not arrive",
                    category_orders={"group": list(words.BOUNCE_GROUPS)})  # fmt: skip
    figure.update_traces(hovertemplate="%{y} (%{fullData.name}): %{x:,} recipients<br>"
                         "%{customdata[0]}<extra></extra>")  # fmt: skip
    figure.update_yaxes(title="")
    figure.update_layout(hoverlabel={"align": "left"})
    return _tidy(figure)


def team_mix(mix: pd.DataFrame, by: str) -> go.Figure:
    """Each group as one 100% bar of its people by stage; the counts on hover."""
    mix = mix.assign(**{by: words.plot_column(mix[by])})
    long = mix.melt(id_vars=[by, "people"], value_vars=list(STAGES), var_name="stage",
                    value_name="count")  # fmt: skip
    long["share"] = long["count"] / long["people"].where(long["people"] > 0, 1)
    long["stage"] = long["stage"].map(words.stage)
    colours = {words.stage(stage): colour for stage, colour in STAGE_COLOURS.items()}
    figure = px.bar(long, x="share", y=by, color="stage", orientation="h",
                    custom_data=["count", "people"], color_discrete_map=colours,
                    category_orders={by: list(mix[by]), "stage": list(colours)},
                    title=f"People per stage in each {by} (a bar: 100% of its people)")  # fmt: skip
    figure.update_traces(hovertemplate="%{y} · %{fullData.name}: %{customdata[0]:,} of "
                         "%{customdata[1]:,} people (%{x:.0%})<extra></extra>")  # fmt: skip
    figure.update_xaxes(tickformat=".0%", range=[0, 1], title="")
    figure.update_yaxes(title="")
    figure.update_layout(height=max(300, 28 * len(mix) + 140), barmode="stack")
    return _tidy(figure)


def receiver_traffic(frame: pd.DataFrame, zone: str) -> go.Figure:
    long = frame.assign(minute=_local(frame["minute"], zone)).melt(
        id_vars="minute",
        value_vars=["events_stored", "duplicates", "quarantined"],
        var_name="kind",
        value_name="events",
    )
    title = f"Events received per minute, last 6 hours ({zone})"
    figure = px.bar(long, x="minute", y="events", color="kind", title=title)
    return _tidy(figure)


def _local(times: pd.Series, zone: str) -> pd.Series:
    """Wall-clock times in `zone`, as the axis shows them."""
    return pd.to_datetime(times, utc=True).dt.tz_convert(zone).dt.tz_localize(None)


def _tidy(figure: go.Figure) -> go.Figure:
    figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend_title_text="")
    return figure
