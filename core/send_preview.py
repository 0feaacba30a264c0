"""A send's dry run: how many would get it now, the first few, and one message as its first
recipient reads it. `mailpulse send --dry-run` and the dashboard's send panel both show this."""

from __future__ import annotations

from typing import Any

from core import messages, send_campaigns, sends
from core.database import Database
from core.keys import secret_key
from core.send_body import composed_for, personal_values
from core.settings import Settings

FIRST_PEOPLE = 5


def preview(
    db: Database, settings: Settings, campaign: str, segment: str, limit: int | None = None
) -> dict[str, Any]:
    definition = send_campaigns.find(db, campaign)
    chosen = sends.recipients(db, settings, campaign, segment, limit)
    first = chosen.head(FIRST_PEOPLE)
    result: dict[str, Any] = {
        "campaign": campaign, "segment": segment, "count": len(chosen),
        "first": first[["employee_id", "email", "name"]].to_dict(orient="records"),
        "message": None,
    }  # fmt: skip
    if len(first):
        person = first.iloc[0]
        name = person["name"] if isinstance(person["name"], str) else None
        personal = personal_values(definition, secret_key(settings.db), person["employee_id"], name)
        subject, body = messages.render(composed_for(definition, segment), personal)
        result["message"] = {"to": person["email"], "subject": subject, "body": body}
    return result
