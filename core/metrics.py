"""Prometheus counters of the receiver, kept in memory. No personal data in any label."""

from __future__ import annotations

import bisect
import threading
import time
from collections import Counter

KNOWN_EVENTS = frozenset(
    {
        "processed", "delivered", "deferred", "bounce", "dropped", "open", "click",
        "spamreport", "unsubscribe", "group_unsubscribe", "group_resubscribe",
        "account_status_change",
    }
)  # fmt: skip
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: Counter[str] = Counter()
        self.duplicates = 0
        self.quarantined = 0
        self.batches: Counter[str] = Counter()
        self.auth_failures: Counter[str] = Counter()
        self._latency = [0] * (len(LATENCY_BUCKETS) + 1)
        self._latency_sum = 0.0
        self.last_event_received = 0.0

    def batch(self, outcome: str) -> None:
        with self._lock:
            self.batches[outcome] += 1

    def auth_failure(self, reason: str) -> None:
        with self._lock:
            self.auth_failures[reason] += 1

    def ingested(
        self, event_types: list[str], stored: int, duplicates: int, quarantined: int
    ) -> None:
        with self._lock:
            self.events.update(t if t in KNOWN_EVENTS else "other" for t in event_types)
            self.duplicates += duplicates
            self.quarantined += quarantined
            if stored:
                self.last_event_received = time.time()

    def observe_latency(self, seconds: float) -> None:
        with self._lock:
            self._latency[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
            self._latency_sum += seconds

    def render(self) -> str:
        gauge = "mailpulse_last_event_received_timestamp_seconds"
        with self._lock:
            lines = [
                *_counter("events_received", "Events in accepted batches.", "type", self.events),
                *_single("duplicate_events", "Events already stored.", self.duplicates),
                *_single("quarantined", "Bodies or events kept in quarantine.", self.quarantined),
                *_counter("batches", "Webhook posts, by outcome.", "outcome", self.batches),
                *_counter("auth_failures", "Refused credentials.", "reason", self.auth_failures),
                *self._histogram(),
                f"# HELP {gauge} When an event was last stored.",
                f"# TYPE {gauge} gauge",
                f"{gauge} {self.last_event_received}",
            ]
        return "\n".join(lines) + "\n"

    def _histogram(self) -> list[str]:
        name = "mailpulse_ingest_seconds"
        lines = [f"# HELP {name} Webhook post to durable commit.", f"# TYPE {name} histogram"]
        total = 0
        for bound, count in zip((*LATENCY_BUCKETS, "+Inf"), self._latency, strict=True):
            total += count
            lines.append(f'{name}_bucket{{le="{bound}"}} {total}')
        return [*lines, f"{name}_sum {self._latency_sum}", f"{name}_count {total}"]


def _counter(noun: str, help_text: str, label: str, values: Counter[str]) -> list[str]:
    name = f"mailpulse_{noun}_total"
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
    return lines + [f'{name}{{{label}="{key}"}} {n}' for key, n in sorted(values.items())]


def _single(noun: str, help_text: str, value: int) -> list[str]:
    name = f"mailpulse_{noun}_total"
    return [f"# HELP {name} {help_text}", f"# TYPE {name} counter", f"{name} {value}"]


_published: Metrics | None = None


def publish(metrics: Metrics) -> None:
    """Makes the serving receiver's counters visible to the dashboard in the same process."""
    global _published
    _published = metrics


def published() -> Metrics | None:
    return _published
