"""Dashboard timings: the funnel, the Overview's figures, a reminder export, a real page render."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from core import funnel
from core.database import Database
from core.reminders import reminders_csv
from harness.browser import CHROMIUM, CHROMIUM_ARGS

REPEATS = 5


def median_ms(work: Callable[[], object]) -> float:
    work()  # warm the caches once, as a live dashboard would have
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def query_timings(path: Path, campaign: str = "bench") -> dict[str, float]:
    from streamlit.logger import set_log_level

    set_log_level("error")  # not "No runtime found" for each cached query, amid the table
    from dashboard.queries import funnel_steps  # the page's own computation

    database = Database(path)
    try:
        people = lambda: funnel.funnel(database, campaign, 60)  # noqa: E731

        def overview() -> None:
            funnel_steps(people())
            database.frame("events_over_time", campaign=campaign)
            database.frame("bounce_reasons", campaign=campaign)

        def export() -> None:
            reminders_csv(funnel.segment(people(), "unclicked"))

        return {
            "funnel": median_ms(people),
            "overview": median_ms(overview),
            "export": median_ms(export),
        }
    finally:
        database.close()


SETTLED = """() => document.querySelector("[data-testid='stApp']")?.dataset.testScriptState
  === "notRunning" && [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
  .every(chart => chart.querySelector(".main-svg"))"""


def render_seconds(url: str, ready: str = ".js-plotly-plot") -> tuple[float, int]:
    """From navigation to the page's script run finished, its `ready` element shown and every
    chart drawn, in Debian's Chromium (a warm cache); with the number of charts drawn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for _ in range(2):  # the first visit starts the session and warms the caches
            started = time.perf_counter()
            page.goto(url)
            page.locator(ready).first.wait_for(timeout=120_000)
            page.wait_for_function(SETTLED, timeout=120_000)
        seconds = time.perf_counter() - started
        charts = page.locator("[data-testid='stPlotlyChart']").count()
        browser.close()
    return seconds, charts
