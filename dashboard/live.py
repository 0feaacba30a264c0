"""Parts of a page that refresh themselves, in place.

Streamlit marks a fragment's elements stale while it reruns and fades them to 33% (`opacity
1s ease-in 0.5s`, Streamlit 1.67): on a timer that reruns every few seconds that is a flicker
over figures that mostly did not change. A live part sits in a keyed container whose stale
elements keep full opacity; the new figures replace the old ones when they arrive.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from dashboard.queries import FRESH_SECONDS

KEY = "live"
STEADY = (
    "<style>[class*='st-key-live-'][data-stale='true'], [class*='st-key-live-'] "
    "[data-stale='true'] {opacity: 1 !important; transition: none !important;}</style>"
)


def part(body: Callable[[], None]) -> Callable[[], None]:
    """`body` as a fragment rerun every FRESH_SECONDS, without the fade."""

    @st.fragment(run_every=FRESH_SECONDS)
    @functools.wraps(body)
    def refreshed() -> None:
        with st.container(key=f"{KEY}-{body.__name__}"):
            st.html(STEADY)
            body()

    return refreshed
