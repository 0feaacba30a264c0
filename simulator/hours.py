"""When people read their mail: office hours on weekdays, in their own time zone."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice

OFF_HOURS = 0.12  # a look on the phone in the evening
DAY_WEIGHTS = (0.55, 0.25, 0.12, 0.05, 0.03)  # on which business day a person gets to it
OPENING, CLOSING = 8, 18


def first_look(rng: random.Random, start: datetime, after: float, utc_offset: float) -> float:
    """Story seconds when a person first looks at a mail delivered `after` seconds past `start`.

    `start` is naive UTC; fixed offsets stand in for time zones (no daylight-saving calendar).
    """
    if rng.random() < OFF_HOURS:
        return after + rng.expovariate(1 / (3 * 3600))
    local = start + timedelta(seconds=after, hours=utc_offset)
    day = rng.choices(range(len(DAY_WEIGHTS)), DAY_WEIGHTS)[0]
    begin, end = next(islice(office_hours(local), day, None))
    moment = begin + (end - begin) * rng.triangular(0, 1, 0.1)  # most look early in the window
    return after + (moment - local).total_seconds()


def office_hours(local: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Weekday office hours from `local` on; today's window opens no earlier than `local`."""
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    while True:
        if day.weekday() < 5:
            begin, end = max(day.replace(hour=OPENING), local), day.replace(hour=CLOSING)
            if begin < end:
                yield begin, end
        day += timedelta(days=1)
