"""The story played live: due events go to the simulated SendGrid, completions to a recorder.

Events and completions may be added while it plays (the demo adds those of every mail the fake
Mail Send API accepts); each is handed over once its due time has come.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from simulator.sendgrid import Counters, SendGrid
from simulator.timeline import Completion, Timed

TICK_SECONDS = 0.1
COMPLETION_INTERVAL = 5.0  # HR's survey tool reports completions in batches
Due = TypeVar("Due", Timed, Completion)
Recorder = Callable[[list[Completion]], None]  # completions -> recorded, or raises


@dataclass(frozen=True)
class Progress:
    elapsed: float
    events_due: int  # handed to SendGrid so far
    events_total: int  # added so far
    by_type: dict[str, int]
    completions_recorded: int
    completions_total: int
    completion_error: str
    sendgrid: Counters
    at: float  # epoch seconds of this snapshot
    next_due: float | None  # the next event still to hand over

    @property
    def caught_up(self) -> bool:
        """Every event due so far is posted; the rest of the story is still to come."""
        ahead = self.next_due is None or self.next_due > self.at
        return self.events_due > 0 and ahead and not self.sendgrid.events_waiting


class Simulation:
    def __init__(self, sendgrid: SendGrid, record: Recorder | None = None) -> None:
        self.sendgrid, self._record = sendgrid, record
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play, name="simulation", daemon=True)
        self._lock = threading.Lock()
        self._started = 0.0
        self._events: list[Timed] = []  # heaps, by due time
        self._completions: list[Completion] = []
        self._events_total = self._completions_total = 0
        self._due = 0
        self._by_type: Counter[str] = Counter()
        self._pending: list[Completion] = []  # due, not yet recorded
        self._recorded = 0
        self._completion_error = ""

    def add(self, events: Iterable[Timed] = (), completions: Iterable[Completion] = ()) -> None:
        with self._lock:
            for timed in events:
                heapq.heappush(self._events, timed)
                self._events_total += 1
            for completion in completions:
                heapq.heappush(self._completions, completion)
                self._completions_total += 1

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
        with self._lock:
            return Progress(
                elapsed=time.monotonic() - self._started if self._started else 0.0,
                events_due=self._due,
                events_total=self._events_total,
                by_type=dict(self._by_type),
                completions_recorded=self._recorded,
                completions_total=self._completions_total,
                completion_error=self._completion_error,
                sendgrid=self.sendgrid.counters(),
                at=time.time(),
                next_due=self._events[0].due if self._events else None,
            )

    def _play(self) -> None:
        last_recorded = time.monotonic()
        while not self._stop.wait(TICK_SECONDS):
            self._hand_over(time.time())
            if time.monotonic() - last_recorded >= COMPLETION_INTERVAL:
                self._record_completions(time.time())
                last_recorded = time.monotonic()

    def _hand_over(self, now: float) -> None:
        with self._lock:
            due = _pop_due(self._events, now)
            self._due += len(due)
            self._by_type.update(str(t.event["event"]) for t in due)
        for timed in due:
            self.sendgrid.submit(timed.event)

    def _record_completions(self, now: float) -> None:
        with self._lock:
            self._pending += _pop_due(self._completions, now)
            pending = list(self._pending)
        if not pending or self._record is None:
            return
        try:
            self._record(pending)
        except Exception as exc:  # the dashboard still fills; the demo reports what failed
            self._completion_error = f"{type(exc).__name__}: {exc}"
            return
        with self._lock:
            del self._pending[: len(pending)]
            self._recorded += len(pending)
        self._completion_error = ""


def _pop_due(heap: list[Due], now: float) -> list[Due]:
    due = []
    while heap and heap[0].due <= now:
        due.append(heapq.heappop(heap))
    return due
