"""The send path, for hr and admin: who would get the chosen segment's mail now, one message as a
real recipient reads it, a confirmation naming the number, the job's progress and result, and the
campaign's send jobs; and one person's mails. The job itself runs in the server's send runner
(`core.send_runner`): this module asks for it through the one writer and polls its state.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from core import funnel, send_campaigns, sends
from core.errors import UserError
from core.settings import current_settings
from dashboard import access, queries, tables, words

ASKED = "send_asked"  # (campaign, segment, the count confirmed) waiting for the last click
STARTED = "send_started"  # campaign -> the job this session asked for
POLL_SECONDS = 1.0


def allowed() -> bool:
    found = access.viewer()
    return found is not None and found.role in access.SURVEY_ROLES


def defined() -> list[str]:
    """Campaigns defined to be sent, newest first (one with no event yet is still to invite)."""
    return send_campaigns.names(queries.database())


def panel(campaign: str, segment: str) -> None:
    """Nothing at all for anyone but hr and admin."""
    if not allowed():
        return
    st.subheader("Send")
    jobs = sends.jobs(queries.database(), campaign)
    if segment in sends.REFUSED:
        st.info(f"{words.segment(segment)} is never mailed: {sends.REFUSED[segment]}.")
    else:
        _offer(campaign, segment)
    _progress(campaign, jobs)
    _history(jobs)


def _offer(campaign: str, segment: str) -> None:
    db, settings = queries.database(), current_settings()
    if campaign not in defined():
        st.info(f"{words.md(campaign)} is not defined for sending: run `mailpulse campaigns "
                "create` for it (subject, survey URL, body) to send from here.")  # fmt: skip
        return
    try:
        sends.check_configured(settings)
    except UserError as exc:
        st.info(f"{words.md(str(exc).rstrip('.'))}, then restart `mailpulse serve`.")
        return
    try:
        sends.check_not_purged(db, campaign)
    except UserError as exc:
        st.info(words.md(str(exc)))
        return
    found = queries.send_preview(campaign, segment)
    count = found["count"]
    size = len(funnel.segment(queries.funnel(campaign), segment))  # opted-out people are in none
    what = f"would get {sends.SENDABLE[segment]} now"
    if size > count:
        what = (f"of {size:,} {what}: the others were mailed within the "
                f"{settings.reminder_cooldown_hours}-hour cooldown or left the roster")  # fmt: skip
    st.markdown(f"**{count:,}** {what}.")
    if not count:
        return
    message = found["message"]
    st.code(f"To: {message['to']}\nSubject: {message['subject']}\n\n{message['body']}",
            language=None, wrap_lines=True)  # fmt: skip
    _confirm(campaign, segment, count)


def _confirm(campaign: str, segment: str, count: int) -> None:
    """Kept for (campaign, segment) while events move the count: at most the number confirmed."""
    asked = st.session_state.get(ASKED)
    if asked is None or tuple(asked[:2]) != (campaign, segment):
        st.button(f"Send to these {count:,} people…", key="send_ask", on_click=_ask,
                  args=(campaign, segment, count))  # fmt: skip
        return
    confirmed = asked[2]
    mailed = min(count, confirmed)
    st.warning(f"This mails {mailed:,} people now: a mail cannot be taken back.")
    if count != confirmed:
        st.caption(f"{count:,} now (you confirmed {confirmed:,}): at most {confirmed:,} are "
                   "mailed; cancel to confirm the new number.")  # fmt: skip
    noun = sends.SENDABLE[segment].split()[-1] + ("" if mailed == 1 else "s")  # "a reminder"
    yes, no = st.columns([1, 4])
    yes.button(f"Send {mailed:,} {noun}", key="send_confirm", type="primary", on_click=_start,
               args=asked)  # fmt: skip
    no.button("Cancel", key="send_cancel", on_click=_cancel)


def _ask(*asked: str | int) -> None:
    st.session_state[ASKED] = asked


def _cancel() -> None:
    st.session_state.pop(ASKED, None)


def _start(campaign: str, segment: str, count: int) -> None:
    """At most the number confirmed: someone who joined the segment since waits for next time."""
    if not allowed() or st.session_state.get(ASKED) != (campaign, segment, count):
        return  # a second click of one confirmation asks for nothing more
    _cancel()
    queued = sends.queue(queries.database(), current_settings(), campaign, segment,
                         access.actor(), limit=count)  # fmt: skip
    st.session_state[STARTED] = {**st.session_state.get(STARTED, {}), campaign: queued.job_id}


def _progress(campaign: str, jobs: list[dict]) -> None:
    """This session's job, else a job still running (asked for elsewhere)."""
    mine = st.session_state.get(STARTED, {}).get(campaign)
    running = [job for job in jobs if job["finished_at"] is None]
    job = next((job for job in jobs if job["job_id"] == mine), None)
    if job is None and running:
        job = running[-1]  # the oldest: the runner sends jobs in turn
    if job is None:
        return
    if job["finished_at"] is None:
        _follow(job["job_id"])
    else:
        _result(job)


@st.fragment(run_every=POLL_SECONDS)
def _follow(job_id: int) -> None:
    job = sends.job(queries.database(), job_id)
    if job["finished_at"] is not None:
        st.rerun()  # the whole page: the result, and the history with this job's counts
    counts = job["counts"]
    done, total = sends.handed(counts)
    st.progress(done / total if total else 1.0, text=f"Job {job_id}: {done:,} of {total:,} "
                f"handed to SendGrid ({counts['accepted']:,} accepted)")  # fmt: skip


def _result(job: dict) -> None:
    counts = job["counts"]
    text = (f"Job {job['job_id']} finished: {counts['accepted']:,} accepted, "
            f"{counts['uncertain']:,} uncertain, {counts['failed']:,} failed.")  # fmt: skip
    if job["stopped"]:
        st.error(f"{text} It stopped: {words.md(job['stopped'])}")
    elif counts["failed"] or counts["uncertain"]:
        st.warning(text)
    else:
        st.success(text)
    if counts["uncertain"]:
        st.caption("Uncertain: SendGrid's answer was lost. They are never mailed again on their "
                   "own, and turn accepted when their events arrive.")  # fmt: skip
    failed = sends.failures(queries.database(), job["job_id"])
    if failed:
        st.dataframe(pd.DataFrame(failed, columns=["employee_id", "error"]), hide_index=True)


def _history(jobs: list[dict]) -> None:
    st.markdown("**Send jobs of this campaign**")
    if not jobs:
        st.caption("None yet.")
        return
    zone = tables.viewer_zone()
    rows = pd.DataFrame([{"job": job["job_id"], "asked at": job["created_at"],
                          "segment": words.segment(job["segment"]), "asked by": job["requested_by"],
                          "finished at": job["finished_at"], **job["counts"]}
                         for job in jobs])  # fmt: skip
    for column in ("asked at", "finished at"):
        rows[column] = tables.local_times(rows[column], zone)
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={column: f"{column.capitalize()} ({zone})"
                                for column in ("asked at", "finished at")})  # fmt: skip


def person_mails(campaign: str, employee_id: str | None, zone: str) -> None:
    """One line of this person's mails in `zone`: "invited Tue 09:02, reminded Thu 10:15"."""
    if not allowed() or employee_id is None:
        return
    mails = sends.mails(queries.database(), campaign, employee_id)
    if not mails:
        st.caption("mailpulse has sent this person no mail of this campaign.")
        return
    st.caption("Mails: " + ", ".join(_mail_words(mail, ZoneInfo(zone)) for mail in mails))


def _mail_words(mail: dict, zone: ZoneInfo) -> str:
    what = "invited" if mail["segment"] == "not_sent" else "reminded"
    at = datetime.fromisoformat(mail["accepted_at"] or mail["queued_at"]).astimezone(zone)
    state = "" if mail["state"] == "accepted" else f" ({mail['state']})"
    return f"{what} {at:%a %H:%M}{state}"
