"""Parts of a page that refresh themselves, in place, and only when the data changed.

Streamlit marks a fragment's elements stale while it reruns and fades them to 33% (`opacity
1s ease-in 0.5s`, Streamlit 1.67): a timer rerunning every few seconds is a flicker over
figures that mostly did not change. So a live part is drawn by the page run itself, and a
small timer fragment, drawing nothing, reruns the page only when the data's fingerprint
(`data_version.sql`) moved. The part sits in a keyed container whose stale elements keep full
opacity: the new figures replace the old ones when they arrive, without a fade.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from dashboard import queries

KEY = "live"
DRAWN = "live_drawn"  # set by the page run, so its own inline run of the watcher waits a tick
STEADY = (
    "<style>[class*='st-key-live-'][data-stale='true'], [class*='st-key-live-'] "
    "[data-stale='true'] {opacity: 1 !important; transition: none !important;}</style>"
)


def part(body: Callable[[], None]) -> Callable[[], None]:
    """`body` drawn now, and again whenever the data changes (checked every FRESH_SECONDS)."""

    @functools.wraps(body)
    def refreshed() -> None:
        st.session_state[queries.SEEN] = queries.data_version()
        steady(body)
        st.session_state[DRAWN] = True
        _watch()

    return refreshed


def ticking(body: Callable[[], None]) -> Callable[[], None]:
    """`body` redrawn every FRESH_SECONDS whatever changed (it shows ages, in-process
    counters), without the fade."""
    return st.fragment(run_every=queries.FRESH_SECONDS)(functools.wraps(body)(lambda: steady(body)))


def steady(body: Callable[[], None]) -> None:
    with st.container(key=f"{KEY}-{body.__name__}"):
        st.html(STEADY)
        body()


@st.fragment(run_every=queries.FRESH_SECONDS)
def _watch() -> None:
    """On its timer, the page again if the data moved: at most one page run a tick, even while
    SendGrid posts faster than a page draws (the page run's own call checks nothing)."""
    if st.session_state.pop(DRAWN, False):
        return
    if queries.data_version() != st.session_state.get(queries.SEEN):
        st.rerun(scope="app")
