"""Every question the dashboard asks, answered as a DataFrame from the shared database."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core import funnel as funnel_sql
from core import send_campaigns, users
from core.database import Database, shared
from core.errors import UserError
from core.send_preview import preview
from core.settings import current_settings
from core.users import Viewer
from dashboard import access, words

FRESH_SECONDS = 5  # live pages re-ask at most this often
SMALLEST_GROUP = 5  # smaller teams fold into "other": no one can be singled out
SEEN = "live_data_version"


def database() -> Database:
    return shared(current_settings().db)


def data_version() -> tuple:
    """Changes whenever anything a live page shows may have (never cached: it is the check)."""
    return database().rows("data_version")[0]


def _seen() -> Any:
    """The fingerprint this page run draws (see `live`): in every cache key, so a rerun for
    changed data never reads an answer cached before the change."""
    return st.session_state.get(SEEN)


@st.cache_data(ttl=FRESH_SECONDS, max_entries=64, show_spinner=False)
def _frame(db_path: str, seen: Any, name: str, **params: Any) -> pd.DataFrame:
    return database().frame(name, **params)


def frame(name: str, **params: Any) -> pd.DataFrame:
    """The named query's answer, cached for a few seconds per database, data and parameters."""
    return _frame(str(current_settings().db), _seen(), name, **params)


@st.cache_data(ttl=FRESH_SECONDS, max_entries=8, show_spinner=False)
def _funnel(db_path: str, seen: Any, campaign: str, bot_click_seconds: int) -> pd.DataFrame:
    return funnel_sql.funnel(database(), campaign, bot_click_seconds)


def funnel(campaign: str) -> pd.DataFrame:
    """One row per employee of `campaign`: the SQL funnel every page and export reads."""
    _require_people_level()
    return _funnel_unchecked(campaign)


def _funnel_unchecked(campaign: str) -> pd.DataFrame:
    settings = current_settings()
    return _funnel(str(settings.db), _seen(), campaign, settings.bot_click_seconds)


@st.cache_data(ttl=FRESH_SECONDS, max_entries=16, show_spinner=False)
def _send_preview(db_path: str, seen: Any, campaign: str, segment: str) -> dict[str, Any]:
    return preview(database(), current_settings(), campaign, segment)


def send_preview(campaign: str, segment: str) -> dict[str, Any]:
    """Who would get the segment's mail now, and one message: once per data version, not per
    rerun (a live page reruns whenever an event arrives)."""
    return _send_preview(str(current_settings().db), _seen(), campaign, segment)


def campaigns() -> pd.DataFrame:
    return frame("campaigns")


def schedule(campaign: str) -> tuple[pd.Timestamp | None, date | None]:
    """When the campaign's first mail went out (its first event), and its deadline when the
    campaign was defined for sending with one."""
    first = campaigns().set_index("campaign")["first_event_at"].get(campaign)
    try:
        deadline = send_campaigns.find(database(), campaign).deadline
    except UserError:  # not sent by mailpulse: no deadline known
        deadline = None
    return (None if first is None or pd.isna(first) else first), deadline


def earlier_campaigns(campaign: str) -> list[str]:
    """Campaigns that started before `campaign`, the same kind first (the same name without its
    digits: survey-2025 for survey-2026), then the latest first; for a manager, none purged
    (their kept counts are company-wide)."""
    known = campaigns().sort_values("first_event_at", ascending=False)
    start = known.set_index("campaign")["first_event_at"].get(campaign)
    if start is None or pd.isna(start):
        return []
    earlier = list(known.loc[known["first_event_at"] < start, "campaign"])
    found = _viewer()
    if found is not None and found.role == "manager":
        earlier = [name for name in earlier if not purged(name)]
    return sorted(earlier, key=lambda name: words.kind(name) != words.kind(campaign))


def segment_counts(people: pd.DataFrame) -> dict[str, int]:
    return {name: len(funnel_sql.segment(people, name)) for name in funnel_sql.SEGMENTS}


def funnel_steps(people: pd.DataFrame) -> pd.DataFrame:
    """Invited (people mailed) → who reached at least delivered, opened, clicked, completed;
    human-only and as SendGrid counts; rates over delivered (SPEC "Funnel steps")."""
    people = funnel_sql.employees(people)  # an address not on the roster is counted apart

    def reached(step: str) -> pd.Series:
        return people["stage"].isin(funnel_sql.reached(step))

    delivered = reached("delivered")
    raw = {
        "opened": reached("opened") | (delivered & people["machine_open"]),
        "clicked": reached("clicked") | (delivered & people["bot_click"]),
    }
    mailed = int((people["stage"] != "not_sent").sum())
    rows = [{"step": "invited", "people": mailed, "with_machines": mailed}]
    for step in funnel_sql.STEPS:
        human = reached(step)
        rows.append({"step": step, "people": int(human.sum()),
                     "with_machines": int(raw.get(step, human).sum())})  # fmt: skip
    steps = pd.DataFrame(rows)
    base = max(int(delivered.sum()), 1)
    steps["rate"] = steps["people"] / base
    steps["rate_with_machines"] = steps["with_machines"] / base
    return steps


def delivery_to_open_hours(people: pd.DataFrame) -> pd.Series:
    hours = (people["opened_at"] - people["delivered_at"]).dt.total_seconds() / 3600
    return hours.dropna().clip(lower=0)


def delivery_to_open_bins(people: pd.DataFrame, bins: int = 48) -> pd.DataFrame:
    """The hours from delivery to first human open as `bins` equal bins (start, end, people):
    the browser gets a bar per bin, not every person's hours."""
    hours = delivery_to_open_hours(people)
    if hours.empty:
        return pd.DataFrame({"start": [], "end": [], "people": []})
    counts, edges = np.histogram(hours, bins=bins)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "people": counts})


def events_over_time(campaign: str) -> pd.DataFrame:
    _require_people_level()
    return frame("events_over_time", campaign=campaign)


def bounce_reasons(campaign: str) -> pd.DataFrame:
    """Per group (mailbox unknown, full, spam, policy, other) and kind: recipients (each person
    once), and the raw reasons behind them with their recipients, most frequent first."""
    _require_people_level()
    raw = frame("bounce_reasons", campaign=campaign)
    groups = {reason: words.bounce_group(reason) for reason in raw["reason"].unique()}
    raw = raw.assign(group=raw["reason"].map(groups), kind=words.plot_column(raw["kind"]))
    keys = ["group", "kind"]
    per_reason = raw.groupby([*keys, "reason"], sort=False)["email"].nunique().reset_index()
    per_reason = per_reason.sort_values(["email", "kind", "reason"], ascending=[False, True, True])
    grouped = per_reason.groupby(keys, sort=False).agg(
        reasons=("reason", list), counts=("email", list)
    )
    grouped["recipients"] = raw.groupby(keys)["email"].nunique()
    return grouped.reset_index().sort_values("recipients", ascending=False, kind="stable")


def timeline(campaign: str, employee_id: str | None, email: str | None) -> pd.DataFrame:
    _require_people_level()
    return frame("employee_timeline", campaign=campaign, employee_id=employee_id, email=email)


def team_mix(people: pd.DataFrame, by: str) -> pd.DataFrame:
    """Stage counts per `by` (department or manager) with rates over delivered; groups under
    5 people fold into other."""
    people = funnel_sql.employees(people)
    group = people[by].fillna("(unknown)")
    sizes = group.map(group.value_counts())
    group = group.where(sizes >= SMALLEST_GROUP, "other")
    if (group == "other").sum() < SMALLEST_GROUP:  # even together, too few to show
        group = group[group != "other"]
    mix = pd.crosstab(group, people.loc[group.index, "stage"])
    mix = mix.reindex(columns=funnel_sql.STAGES, fill_value=0)
    mix.index.name = by
    mix["people"] = mix.sum(axis=1)
    delivered = mix[list(funnel_sql.reached("delivered"))].sum(axis=1)
    base = delivered.where(delivered > 0, 1)
    mix["delivered_people"] = delivered
    mix["open_rate"] = mix[list(funnel_sql.reached("opened"))].sum(axis=1) / base
    mix["completion_rate"] = mix["completed"] / base
    return mix.reset_index()


def reporting_line(campaign: str, manager: str) -> list[str]:
    """The managers above `manager` by the roster's manager_id, top first, then `manager`;
    empty when the roster has no manager_id for their team; for hr and admin only (it names
    people above groups too small to show)."""
    _require_people_level()
    team = _visible(campaign)
    ids = (
        team.loc[team["manager"] == manager, "manager_id"].dropna() if "manager_id" in team else []
    )
    if len(ids) == 0:
        return []
    above = frame("manager_chain", employee_id=str(pd.Series(ids).mode()[0]))["name"]
    return [*dict.fromkeys(reversed(list(above))), manager]


def receiver_summary() -> dict[str, Any]:
    return frame("receiver_summary").iloc[0].to_dict()


def batches_over_time(hours: int = 6) -> pd.DataFrame:
    return frame("batches_over_time", hours=hours)


def quarantine_recent(limit: int = 100) -> pd.DataFrame:
    _require_people_level()
    return frame("quarantine_recent", limit=limit)


def events_by_type() -> pd.DataFrame:
    return frame("events_by_type")


# Roles where the data is read: people-level answers for admin and hr only; a manager gets
# aggregates of their reporting line, in groups of SMALLEST_GROUP or more.
class NotForYourRole(UserError):
    pass


PURGED_FOR_MANAGERS = ("This campaign's person-level data was purged: its kept counts are "
                       "company-wide, for HR only.")  # fmt: skip


def _viewer() -> Viewer | None:
    return access.viewer()


def _require_people_level() -> None:
    found = _viewer()
    if found is None or found.role not in ("admin", "hr"):
        raise NotForYourRole("People-level data is for HR and administrators only.")


def _visible(campaign: str) -> pd.DataFrame:
    """The funnel rows this viewer's aggregates are made of: everyone, or a manager's team."""
    found = _viewer()
    if found is None:
        raise NotForYourRole("Sign in first.")
    kept = frame("campaign_aggregates", campaign=campaign)
    if not kept.empty and found.role == "manager":
        raise NotForYourRole(PURGED_FOR_MANAGERS)
    if not kept.empty:  # purged: company-wide counts without people
        repeated = kept.loc[kept.index.repeat(kept["people"])].drop(columns="people")
        return repeated.reset_index(drop=True)
    people = _funnel_unchecked(campaign)
    if found.role != "manager":
        return people
    team = users.reporting_line(database(), found.employee_id)
    if len(team) < SMALLEST_GROUP:
        raise NotForYourRole(f"Fewer than {SMALLEST_GROUP} people are below you: no figures.")
    return people[people["employee_id"].isin(team)]


def purged(campaign: str) -> bool:
    """Whether only the campaign's kept counts are left (per department; no manager, no person):
    the question `sends` asks before a send."""
    return bool(frame("campaign_purged", campaign=campaign).iloc[0, 0])


def steps_for(campaign: str) -> tuple[pd.DataFrame, int]:
    """The Overview's funnel steps for whoever looks (a manager: their team), and how many
    roster employees among them were never mailed."""
    people = _visible(campaign)
    never_mailed = int((funnel_sql.employees(people)["stage"] == "not_sent").sum())
    return funnel_steps(people), never_mailed


def teams_for(campaign: str, by: str) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Teams' folded mix, the whole group's line, and how many were too few to show."""
    people = _visible(campaign)
    mix = team_mix(people, by)
    label = "your team" if _viewer().role == "manager" else "whole company"
    whole = team_mix(people.assign(company=label), "company")
    return mix, whole, len(people) - int(mix["people"].sum())


def sees_people() -> bool:
    found = _viewer()
    return found is not None and found.role in ("admin", "hr")
