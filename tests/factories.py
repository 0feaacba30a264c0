"""Tiny builders of SendGrid-shaped events and batches."""

from __future__ import annotations

import itertools
from typing import Any

import orjson

_ids = itertools.count(1)
BASE_TIME = 1_767_225_600  # 2026-01-01T00:00:00Z


def event(**overrides: Any) -> dict[str, Any]:
    n = next(_ids)
    return {
        "email": f"person{n}@corp.example",
        "event": "delivered",
        "timestamp": BASE_TIME + n,
        "sg_event_id": f"evt-{n}",
        "sg_message_id": f"msg{n}.filter-1",
        "campaign": "survey-2026",
        **overrides,
    }


def batch(*events: dict[str, Any]) -> bytes:
    return orjson.dumps(list(events))
