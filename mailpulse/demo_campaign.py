"""The demo's campaign: what its invitation and reminder say, and when the invitation went out."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.send_campaigns import SendCampaign
from simulator.story import Campaign

PAST_HOURS = 30  # the invitation went out at least this long ago, on a weekday at 07:00 UTC
DEADLINE_DAYS = 14
SURVEY_URL = "https://survey.corp.example/s/{campaign}?t={{token}}"
INVITATION = """Hello {{ first_name }},

how are things at work? Tell us in ten minutes, anonymously, by {{ deadline }}:
{{ survey_link }}

Thank you, HR
"""
REMINDER = """Hello {{ first_name }},

the engagement survey closes on {{ deadline }}, and your answers count. Ten minutes:
{{ survey_link }}

Thank you, HR
"""


def invitation_time(now: datetime) -> datetime:
    """07:00 UTC of the latest weekday at least PAST_HOURS before `now`: Europe at its desk,
    Asia in its afternoon, and a day or more of the campaign behind."""
    day = (now - timedelta(hours=PAST_HOURS)).replace(hour=7, minute=0, second=0, microsecond=0)
    if day > now - timedelta(hours=PAST_HOURS):
        day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def campaign_definition(sent_at: datetime) -> SendCampaign:
    name = Campaign().name
    return SendCampaign(
        name=name,
        subject="Your say: the engagement survey",
        survey_url=SURVEY_URL.format(campaign=name),
        body=INVITATION,
        reminder_subject="Reminder: the engagement survey",
        reminder_body=REMINDER,
        deadline=(sent_at + timedelta(days=DEADLINE_DAYS)).date(),
    )
