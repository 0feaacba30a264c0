"""Is SendGrid reaching us? Batches, events and quarantine."""

import streamlit as st

from dashboard import queries

st.title("Receiver")
summary = queries.receiver_summary()
batches, events, quarantined, last = st.columns(4)
batches.metric("Batches received", f"{summary.batches:,}")
events.metric("Events stored", f"{summary.events:,}")
quarantined.metric("Quarantined", f"{summary.quarantined:,}")
last_batch = summary.last_batch_at
last.metric(
    "Last batch",
    "never"
    if last_batch is None or last_batch != last_batch
    else f"{last_batch:%Y-%m-%d %H:%M:%S} UTC",
)
st.subheader("Events per type")
st.dataframe(queries.events_by_type(), hide_index=True, width="stretch")
