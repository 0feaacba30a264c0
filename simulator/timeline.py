"""The story on the wall clock: compressed by `speed`, with real epoch timestamps near now."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.company import Company
from simulator.story import Campaign, Fields, Script, scripts

DEFAULT_SPEED = 300.0  # a real minute tells five story hours: the first day in minutes
LATE_SHARE = 0.04  # events SendGrid holds back and posts well after they happened
LATE_SECONDS = (5.0, 45.0)


@dataclass(frozen=True, order=True)
class Timed:
    due: float  # wall-clock time at which SendGrid's servers get the event to post
    event: dict[str, Any] = field(compare=False)


@dataclass(frozen=True, order=True)
class Completion:
    due: float
    employee_id: str = field(compare=False)
    completed_at: int = field(compare=False)


@dataclass(frozen=True)
class Timeline:
    campaign: Campaign
    events: list[Timed]  # by due time
    completions: list[Completion]

    @property
    def end(self) -> float:
        dues = [t.due for t in self.events] + [c.due for c in self.completions]
        return max(dues, default=0.0)


def build_timeline(
    company: Company,
    campaign: Campaign | None = None,
    *,
    start: float | None = None,
    speed: float = DEFAULT_SPEED,
    seed: int = 2025,
    story_start: datetime | None = None,
    fields: Fields = Fields(),  # noqa: B008 (frozen)
) -> Timeline:
    """The campaign's events for `company`, sent at `start` (default: now)."""
    campaign = campaign or Campaign()
    story_start = story_start or default_story_start(datetime.now(UTC))
    written = scripts(company, campaign, story_start, seed, fields)
    return on_clock(campaign, written, time.time() if start is None else start, speed, seed)


def default_story_start(now: datetime) -> datetime:
    """Tuesday 07:00 UTC of `now`'s week: Europe is at its desk, Asia in the afternoon.

    The story's calendar is free (its times are compressed anyway); a fixed weekday morning
    makes the first real minute of any demo, even one run on a Sunday night, busy.
    """
    monday = (now - timedelta(days=now.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, 7) + timedelta(days=1)


def on_clock(
    campaign: Campaign, written: list[Script], start: float, speed: float, seed: int = 2025
) -> Timeline:
    """Story seconds become epoch seconds: `start + story / speed`, keeping each step's gap."""
    if speed <= 0:
        raise ValueError("The speed must be positive.")
    rng = random.Random(seed + 1)
    origin = int(start)
    events: list[Timed] = []
    completions: list[Completion] = []
    for script in written:
        placed, done = place(script, lambda story: origin + story / speed, rng)
        events += placed
        completions += done
    events.sort()
    completions.sort()
    return Timeline(campaign, events, completions)


def place(
    script: Script, wall: Callable[[float], float], rng: random.Random
) -> tuple[list[Timed], list[Completion]]:
    """One recipient's steps at epoch seconds `wall(story)`, each at least its gap after the one
    before; due when they happened, a few of them late (never before)."""
    events: list[Timed] = []
    completions: list[Completion] = []
    previous: int | None = None
    for step in script.steps:
        ts = math.floor(wall(step.story))
        ts = ts if previous is None else max(ts, previous + step.gap)
        previous = ts
        due = ts + rng.random()
        if step.event is None:
            if script.employee_id:
                completions.append(Completion(due, script.employee_id, ts))
            continue
        if rng.random() < LATE_SHARE:
            due += rng.uniform(*LATE_SECONDS)
        events.append(Timed(due, {**step.event, "timestamp": ts}))
    return events, completions
