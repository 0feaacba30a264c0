"""The JSON of one Mail Send request: one personalization per recipient, nothing personal in
custom args or categories (SendGrid cannot redact them)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core import messages
from core.keys import survey_token
from core.messages import Composed
from core.send_campaigns import SendCampaign
from core.settings import Settings


def request_body(
    settings: Settings, campaign: SendCampaign, composed: Composed, key: bytes, chunk: pd.DataFrame
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "from": {"email": settings.from_email, "name": settings.from_name},
        "personalizations": [
            personalization(settings, campaign, composed, key, row)
            for row in chunk.itertuples(index=False)
        ],
        "categories": [campaign.name],
    }
    if composed.template_id:
        body["template_id"] = composed.template_id
    else:
        body["subject"] = composed.subject
        body["content"] = [{"type": "text/html" if composed.html else "text/plain",
                            "value": composed.body}]  # fmt: skip
    if settings.asm_group_id is not None:
        body["asm"] = {"group_id": settings.asm_group_id}
    if settings.sendgrid_sandbox:
        body["mail_settings"] = {"sandbox_mode": {"enable": True}}
    return body


def personalization(
    settings: Settings, campaign: SendCampaign, composed: Composed, key: bytes, row: Any
) -> dict[str, Any]:
    name = row.name if isinstance(row.name, str) and row.name.strip() else None
    personal = personal_values(campaign, key, row.employee_id, name)
    to = {"email": row.email, **({"name": name} if name else {})}
    args = {settings.campaign_field: campaign.name, settings.employee_field: row.employee_id,
            "send_id": row.send_id}  # fmt: skip
    if composed.template_id:
        return {"to": [to], "custom_args": args, "dynamic_template_data": personal}
    return {"to": [to], "custom_args": args,
            "substitutions": messages.substitutions(composed, personal)}  # fmt: skip


def personal_values(
    campaign: SendCampaign, key: bytes, employee_id: str, name: str | None
) -> dict[str, str]:
    link = campaign.survey_url.replace("{token}", survey_token(key, campaign.name, employee_id))
    return messages.values(name, link, campaign.deadline)


def composed_for(campaign: SendCampaign, segment: str) -> Composed:
    """The invitation for `not_sent`; a reminder's own texts where the campaign has them."""
    reminder = segment != "not_sent"
    subject = (campaign.reminder_subject if reminder else None) or campaign.subject
    if reminder and campaign.reminder_body is not None:
        return messages.compose(subject, campaign.reminder_body, campaign.reminder_html, None)
    return messages.compose(subject, campaign.body, campaign.body_html, campaign.template_id)
