"""What the Teams bot says: short lines of counts and rates, never a person."""

from __future__ import annotations

import html
import re

import pandas as pd

from core import funnel, steps
from core.database import Database
from core.errors import UserError

HELP = (
    "**mailpulse** answers:\n\n"
    "- `status [CAMPAIGN]`: the funnel, invited to completed\n\n"
    "- `team DEPARTMENT [CAMPAIGN]`: a department's open and completion rates\n\n"
    "- `help`: this list"
)
_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def words(text: str) -> list[str]:
    """The command after the @mention, without Teams' HTML."""
    plain = html.unescape(_TAG.sub(" ", _MENTION.sub(" ", text))).replace("\xa0", " ")
    return plain.split()


def answer(db: Database, bot_click_seconds: int, text: str) -> str:
    said = words(text)
    verb, rest = (said[0].lower(), said[1:]) if said else ("help", [])
    try:
        if verb == "status" and len(rest) <= 1:
            return status(db, bot_click_seconds, _campaign(db, rest[0] if rest else None))
        if verb == "team" and rest:
            department, campaign = _department_and_campaign(db, rest)
            return team(db, bot_click_seconds, department, campaign)
    except UserError as exc:
        return str(exc)
    return HELP


def _department_and_campaign(db: Database, rest: list[str]) -> tuple[str, str]:
    """`team Human Resources [CAMPAIGN]`: a department's name may hold spaces, so the last word
    is the campaign only when a campaign has that name."""
    if len(rest) > 1 and funnel.campaign_exists(db, rest[-1]):
        return " ".join(rest[:-1]), rest[-1]
    return " ".join(rest), _campaign(db, None)


def _campaign(db: Database, name: str | None) -> str:
    if name:
        funnel.require_campaign(db, name)
        return name
    known = funnel.campaigns(db)
    if known.empty:
        raise UserError("No campaign yet: no SendGrid event has arrived.")
    return str(known["campaign"].iloc[0])  # the latest event first


def status(db: Database, bot_click_seconds: int, campaign: str) -> str:
    counted = steps.of(funnel.funnel(db, campaign, bot_click_seconds))
    return "\n\n".join([f"**{campaign}**", *_lines(counted)])


def _lines(counted: steps.Steps) -> list[str]:
    lines = [f"Invited: {counted.invited:,}", f"Delivered: {counted.reached['delivered']:,}"]
    for step in ("opened", "clicked", "completed"):
        rate = steps.percent(counted.rate(step))
        lines.append(f"{step.capitalize()}: {counted.reached[step]:,} ({rate} of delivered)")
    return lines


def team(db: Database, bot_click_seconds: int, department: str, campaign: str) -> str:
    frame = funnel.funnel(db, campaign, bot_click_seconds)
    chosen = frame[_department(frame).str.casefold() == department.casefold()]
    if len(chosen) < steps.MIN_GROUP:
        return (f"{department} has fewer than {steps.MIN_GROUP} people in {campaign}: "
                "no figures for groups that small.")  # fmt: skip
    counted, department = steps.of(chosen), str(chosen["department"].iloc[0])  # as stored
    if counted.reached["delivered"] < steps.MIN_GROUP:
        return f"{department}: fewer than {steps.MIN_GROUP} deliveries yet in {campaign}."
    opened, done = (steps.percent(counted.rate(s)) for s in ("opened", "completed"))
    return "\n\n".join([f"**{department}** in {campaign}",
                        f"Delivered: {counted.reached['delivered']:,}",
                        f"Opened: {opened}", f"Completed: {done}"])  # fmt: skip


def _department(frame: pd.DataFrame) -> pd.Series:
    return frame["department"].fillna("").astype(str)
