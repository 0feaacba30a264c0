"""The events SendGrid would post for what the fake Mail Send API accepted, for tests (the demo
reads what was sent as its story says: `simulator.campaign_feed`).

Each accepted personalization gets `processed` and `delivered` (or a `bounce`), perhaps an
`open` and a `click`, with its custom args echoed as top-level keys and `sg_message_id` =
`X-Message-Id` + a suffix, as SendGrid does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from simulator.mailsend import Accepted


@dataclass(frozen=True)
class Behaviour:
    """How recipients react, and how soon (seconds after the request was accepted)."""

    bounce: float = 0.02
    open: float = 0.6
    click: float = 0.6  # of those who open
    delivered_after: tuple[float, float] = (0.5, 3.0)
    opened_after: tuple[float, float] = (5.0, 60.0)
    clicked_after: tuple[float, float] = (5.0, 60.0)


ONLY_DELIVERED = Behaviour(bounce=0.0, open=0.0, delivered_after=(0.0, 0.0))


def events_for(
    accepted: Accepted, behaviour: Behaviour = ONLY_DELIVERED, seed: int = 0
) -> list[tuple[float, dict[str, Any]]]:
    """(due epoch seconds, event) for every personalization of one accepted request."""
    rng = random.Random(f"{accepted.message_id}-{seed}")
    categories = accepted.body.get("categories", [])
    due: list[tuple[float, dict[str, Any]]] = []
    for n, item in enumerate(accepted.personalizations):
        base = {"email": item["to"][0]["email"], "sg_message_id":
                f"{accepted.message_id}.recvd-{n}-0", "category": categories,
                **item.get("custom_args", {})}  # fmt: skip
        for at, kind in _story(rng, behaviour, accepted.at):
            event = {**base, "event": kind, "timestamp": int(at),
                     "sg_event_id": f"{accepted.message_id}-{n}-{kind}"}  # fmt: skip
            if kind == "bounce":
                event |= {"type": "bounce", "reason": "550 5.1.1 The email account does not exist"}
            due.append((at, event))
    return due


def _story(rng: random.Random, b: Behaviour, start: float) -> list[tuple[float, str]]:
    delivered = start + rng.uniform(*b.delivered_after)
    if rng.random() < b.bounce:
        return [(start, "processed"), (delivered, "bounce")]
    story = [(start, "processed"), (delivered, "delivered")]
    if rng.random() < b.open:
        opened = delivered + rng.uniform(*b.opened_after)
        story.append((opened, "open"))
        if rng.random() < b.click:
            story.append((opened + rng.uniform(*b.clicked_after), "click"))
    return story
