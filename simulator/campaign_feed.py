"""The demo's Event Webhook: every mail the fake Mail Send API accepted, read as the story says,
on the campaign's clock.

The invitation went out days ago: while it is sent the clock runs that far behind the wall
clock, so the sends the product records and the events agree. What the story has happen before
the demo started is posted at once at its own timestamps; what comes later is posted when it
is due, in real time or `speed` times faster, stamped with the moment it is posted: never in
the future. Reminders sent during the demo are read the same way, from the moment they leave.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from simulator import shapes
from simulator.company import Company
from simulator.mailsend import Accepted
from simulator.story import Campaign, Fields, Script, Writer
from simulator.timeline import Completion, Timed, place

EPOCH = datetime(1970, 1, 1)  # the feed's story seconds are epoch seconds (naive UTC)
PROCESSING_SECONDS = 20.0  # SendGrid works through one request's recipients within seconds
LINK = "[%survey_link%]"  # the survey link's substitution tag in the product's requests
Add = Callable[[list[Timed], list[Completion]], None]


class CampaignClock:
    """Wall-clock seconds at `start`; the invitation goes out at `sent_at`, `speed` story
    seconds pass per real second after `start`."""

    def __init__(self, sent_at: datetime, speed: float, start: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("The speed must be positive.")
        self.sent_at, self.start = sent_at, time.time() if start is None else start
        self.behind = self.start - sent_at.timestamp()
        if self.behind < 0:
            raise ValueError("The invitation must go out before the demo starts.")
        self.speed = speed
        self._live = threading.Event()

    def go_live(self) -> None:
        """The invitation is out: from now on mails leave at the wall clock's time."""
        self._live.set()

    @property
    def live(self) -> bool:
        return self._live.is_set()

    def now(self) -> datetime:
        """The send runner's clock: behind while the invitation goes out, then the wall clock."""
        return datetime.fromtimestamp(time.time() - (0.0 if self.live else self.behind), UTC)

    def story(self) -> float:
        """The story's present, in epoch seconds: when a mail leaving now is sent in the story."""
        now = time.time()
        if not self.live:
            return now - self.behind
        return self.start + (now - self.start) * self.speed

    def wall(self, story: float) -> float:
        """When a story moment is posted, and its timestamp: a past one at once, at its time."""
        return story if story <= self.start else self.start + (story - self.start) / self.speed


class CampaignFeed:
    """`accepted` is the fake Mail Send API's hook: each personalization's events, and its
    completion, go to `add` (`Simulation.add`)."""

    def __init__(
        self, company: Company, clock: CampaignClock, add: Add, fields: Fields, seed: int = 2025
    ) -> None:
        self.clock, self.add, self.fields = clock, add, fields
        self.people = {e.employee_id: e for e in company.employees}
        self._rng = random.Random(seed)
        self._writer = Writer(self._rng, Campaign(), company.gateway_department, EPOCH, fields)
        self._lock = threading.Lock()

    def accepted(self, accepted: Accepted) -> None:
        sent = self.clock.story()
        with self._lock:  # one rng: requests answered at once must not share it unlocked
            placed = [
                place(script, self.clock.wall, self._rng)
                for script in self._scripts(accepted, sent)
            ]
        self.add(
            [t for events, _ in placed for t in events], [c for _, done in placed for c in done]
        )

    def _scripts(self, accepted: Accepted, sent: float) -> list[Script]:
        scripts = []
        common = {"category": accepted.body.get("categories", [])}
        if "asm" in accepted.body:
            common["asm_group_id"] = accepted.body["asm"]["group_id"]
        for n, item in enumerate(accepted.personalizations):
            args = item.get("custom_args", {})
            who = self.people.get(args.get(self.fields.employee))
            if who is None:
                continue  # not one of the demo's company: nobody reads it
            message = _message(accepted, n, item["to"][0]["email"], {**common, **args})
            at = sent + self._rng.uniform(0, PROCESSING_SECONDS)
            scripts.append(self._writer.react(who, message, at, _link(item)))
        return scripts


def _message(accepted: Accepted, n: int, email: str, common: dict[str, Any]) -> shapes.Message:
    """SendGrid's ids for the request's n-th recipient: `sg_message_id` = X-Message-Id + a
    suffix."""
    msgid = accepted.message_id
    smtp_id = f"<{msgid}.{n}@geopod-ismtpd-{n % 7}>"
    return shapes.Message(email, msgid, f"{msgid}.recvd-{n}-0", smtp_id, common)


def _link(item: dict[str, Any]) -> str:
    """The survey link the recipient's mail carried (a click reports it)."""
    link = item.get("dynamic_template_data", {}).get("survey_link")
    return link or item.get("substitutions", {}).get(LINK, "")
