"""What a survey tool's post says: its event id, who finished, when, and perhaps the campaign.

One reader per source kind, each over the parsed JSON of the shapes its tool documents
(Standard Webhooks `data`, Typeform's `form_response`, Tally's `data.fields`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from core.respondents import Respondent

HIDDEN = ("token", "employee_id", "email")


class PayloadRejected(Exception):
    """An authenticated body that says nothing usable: kept in quarantine with this reason."""


@dataclass(frozen=True)
class Completion:
    event_id: str
    who: Respondent
    completed_at: datetime | None
    campaign: str | None


def read(kind: str, body: bytes, header_id: str | None) -> Completion:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise PayloadRejected("The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise PayloadRejected("The body is not a JSON object.")
    return READERS[kind](payload, header_id)


def _standard(payload: dict[str, Any], header_id: str | None) -> Completion:
    data = payload.get("data")
    if not isinstance(data, dict):
        raise PayloadRejected("The body has no `data` object.")
    who = Respondent(*(_text(data.get(name)) for name in HIDDEN))
    return Completion(header_id or "", who, moment(data.get("completed_at")),
                      _text(data.get("campaign")))  # fmt: skip


def _typeform(payload: dict[str, Any], _: str | None) -> Completion:
    response = payload.get("form_response")
    if not isinstance(response, dict) or not _text(response.get("token")):
        raise PayloadRejected("The body has no `form_response.token`.")
    hidden = response.get("hidden") if isinstance(response.get("hidden"), dict) else {}
    who = Respondent(*(_text(hidden.get(name)) for name in HIDDEN))
    return Completion(str(response["token"]), who, moment(response.get("submitted_at")),
                      _text(hidden.get("campaign")))  # fmt: skip


def _tally(payload: dict[str, Any], _: str | None) -> Completion:
    data = payload.get("data")
    if not _text(payload.get("eventId")) or not isinstance(data, dict):
        raise PayloadRejected("The body has no `eventId` or `data`.")
    fields = data.get("fields") if isinstance(data.get("fields"), list) else []
    hidden = {
        str(f.get("label")): _text(f.get("value"))
        for f in fields
        if isinstance(f, dict) and f.get("type") == "HIDDEN_FIELDS"
    }
    who = Respondent(*(hidden.get(name) for name in HIDDEN))
    created = moment(payload.get("createdAt") or data.get("createdAt"))
    return Completion(str(payload["eventId"]), who, created, hidden.get("campaign"))


def _text(value: object) -> str | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value).strip() or None
    return None


def moment(value: object) -> datetime | None:
    """ISO 8601 (a trailing Z too) or epoch seconds (milliseconds over 10^11); else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return moment(float(value)) if value.strip().replace(".", "", 1).isdigit() else None
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


READERS = {"standard": _standard, "typeform": _typeform, "tally": _tally}
