"""The story played live: due events go to the simulated SendGrid, completions to a recorder."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from simulator.sendgrid import Counters, SendGrid
from simulator.timeline import Completion, Timeline

TICK_SECONDS = 0.1
COMPLETION_INTERVAL = 5.0  # HR's survey tool reports completions in batches
Recorder = Callable[[str, list[Completion]], None]  # (campaign, completions) -> recorded


@dataclass(frozen=True)
class Progress:
    elapsed: float
    events_due: int  # handed to SendGrid so far
    events_total: int
    by_type: dict[str, int]
    completions_recorded: int
    completions_total: int
    completion_error: str
    sendgrid: Counters

    @property
    def finished(self) -> bool:
        done = self.events_due == self.events_total and not self.sendgrid.events_waiting
        return done and self.completions_recorded == self.completions_total


class Simulation:
    def __init__(
        self, timeline: Timeline, sendgrid: SendGrid, record: Recorder | None = None
    ) -> None:
        self.timeline, self.sendgrid, self._record = timeline, sendgrid, record
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play, name="simulation", daemon=True)
        self._started = 0.0
        self._due = 0
        self._by_type: Counter[str] = Counter()
        self._completions_due = 0
        self._recorded = 0
        self._completion_error = ""

    def start(self) -> None:
        self._started = time.monotonic()
        self.sendgrid.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.sendgrid.stop()

    def progress(self) -> Progress:
        return Progress(
            elapsed=time.monotonic() - self._started if self._started else 0.0,
            events_due=self._due,
            events_total=len(self.timeline.events),
            by_type=dict(self._by_type),
            completions_recorded=self._recorded,
            completions_total=len(self.timeline.completions),
            completion_error=self._completion_error,
            sendgrid=self.sendgrid.counters(),
        )

    def _play(self) -> None:
        last_recorded = time.monotonic()
        while not self._stop.wait(TICK_SECONDS):
            self._hand_over(time.time())
            if time.monotonic() - last_recorded >= COMPLETION_INTERVAL:
                self._record_completions(time.time())
                last_recorded = time.monotonic()

    def _hand_over(self, now: float) -> None:
        events = self.timeline.events
        while self._due < len(events) and events[self._due].due <= now:
            event = events[self._due].event
            self.sendgrid.submit(event)
            self._by_type[str(event["event"])] += 1
            self._due += 1

    def _record_completions(self, now: float) -> None:
        completions = self.timeline.completions
        while (
            self._completions_due < len(completions)
            and completions[self._completions_due].due <= now
        ):
            self._completions_due += 1
        pending = completions[self._recorded : self._completions_due]
        if not pending or self._record is None:
            return
        try:
            self._record(self.timeline.campaign.name, pending)
        except Exception as exc:  # the dashboard still fills; the demo reports what failed
            self._completion_error = f"{type(exc).__name__}: {exc}"
            return
        self._recorded = self._completions_due
        self._completion_error = ""
