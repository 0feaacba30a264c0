"""Is SendGrid reaching us? Batches and events received, duplicates, quarantine, refusals."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from core.metrics import published
from dashboard import access, alert_history, charts, live, queries, tables

SILENCE_WARNING = timedelta(hours=1)
ACTIVE_CAMPAIGN = timedelta(days=7)

access.require_role("admin")
st.title("Receiver")


def ago(elapsed: timedelta) -> str:
    seconds = int(elapsed.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


@live.ticking
def receiving() -> None:
    summary = queries.receiver_summary()
    now = datetime.now(UTC)
    last_batch, last_event = summary["last_batch_at"], summary["last_event_at"]
    active = not pd.isna(last_event) and now - last_event < ACTIVE_CAMPAIGN
    if active and not pd.isna(last_batch) and now - last_batch > SILENCE_WARNING:
        st.warning(
            f"No batch has arrived for {(now - last_batch).total_seconds() / 3600:.1f} hours while "
            "a campaign is active. SendGrid gives up on an event after 24 hours of failed "
            "retries: check the webhook settings and the refusals below."
        )
    zone = tables.viewer_zone()
    tiles = st.columns(5)
    tiles[0].metric("Batches", f"{summary['batches']:,}")
    tiles[1].metric("Events stored", f"{summary['events_stored']:,}")
    tiles[2].metric("Duplicates skipped", f"{summary['duplicates']:,}")
    tiles[3].metric("Quarantined", f"{summary['quarantined']:,}")
    tiles[4].metric(
        "Last batch",
        "never" if pd.isna(last_batch) else f"{ago(now - last_batch)} ago",
        help=None
        if pd.isna(last_batch)
        else f"{last_batch.tz_convert(zone):%Y-%m-%d %H:%M:%S} {zone}",
    )
    traffic = queries.batches_over_time()
    if traffic.empty:
        st.info("No batch received in the last 6 hours.")
    else:
        st.plotly_chart(charts.receiver_traffic(traffic, zone), width="stretch")
    left, right = st.columns(2)
    left.subheader("Events per type")
    left.dataframe(queries.events_by_type(), hide_index=True, width="stretch")
    right.subheader("Refused since start")
    metrics = published()
    refusals = pd.DataFrame(
        sorted((metrics.auth_failures if metrics else {}).items()), columns=["reason", "requests"]
    )
    right.dataframe(refusals, hide_index=True, width="stretch")
    st.subheader("Quarantine (latest 100)")
    st.dataframe(queries.quarantine_recent(), hide_index=True, width="stretch")
    alert_history.render()


receiving()
