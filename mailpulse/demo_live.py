"""The demo's live part, in the background: waits for the server, plays the campaign as
SendGrid and the survey tool would, and reports what happened every few seconds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from core import keys
from core.settings import Settings
from simulator.campaign_feed import CampaignClock
from simulator.credentials import Signer
from simulator.report import describe, summary
from simulator.sendgrid import Options, SendGrid
from simulator.simulation import Progress, Simulation
from simulator.story import Campaign
from simulator.survey_tool import Finished, SurveyTool
from simulator.timeline import Completion

SURVEY_SOURCE = "demo-survey"  # the simulated survey tool posts completions through it
REPORT_SECONDS = 5.0
QUIET_SECONDS = 60.0  # with nothing new, a line a minute
READY_TIMEOUT_SECONDS = 60
Report = Callable[[str], None]


class Live:
    """In the background: waits for the server, plays the campaign, reports every few seconds."""

    def __init__(
        self,
        settings: Settings,
        client: dict[str, str],
        signer: Signer,
        clock: CampaignClock,
        url: str,
        report: Report,
    ) -> None:
        self.clock, self.url, self.report = clock, url, report
        sendgrid = SendGrid(url, client["client_id"], client["client_secret"], signer, Options())
        tool = SurveyTool(f"{url}/api/webhooks/completions/{SURVEY_SOURCE}",
                          client["survey_secret"])  # fmt: skip
        key = keys.secret_key(settings.db)
        self.simulation = Simulation(sendgrid, lambda done: post_completions(tool, key, done))
        self.last: Progress | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(30)

    def job_finished(self, job: dict[str, Any], invitation: int) -> None:
        """The send runner's hook: the invitation's end starts the live part."""
        if job["job_id"] == invitation:
            self.clock.go_live()
        counts = job["counts"]
        self.report(
            f"Send job {job['job_id']} ({job['segment']}, {job['created_at']}): "
            f"{counts['accepted']:,} accepted by the fake Mail Send API, {counts['failed']:,} "
            "failed; their events follow."
        )

    def _run(self) -> None:
        if not self._wait_until_ready():
            return
        simulation = self.simulation
        simulation.start()
        sendgrid = simulation.sendgrid.options
        self.report(
            f"Simulated SendGrid: {sendgrid.servers} servers post signed batches every "
            f"~{sendgrid.interval:.0f} s; the story before now is posted at once at its own "
            f"times, the rest {_pace(self.clock.speed)}."
        )
        told, reported, reported_at = False, None, 0.0
        while not self._stop.wait(REPORT_SECONDS):
            self.last = simulation.progress()
            if _changed(self.last, reported) or time.monotonic() - reported_at >= QUIET_SECONDS:
                story = datetime.fromtimestamp(self.clock.story(), UTC)
                self.report(describe(self.last, reported, story))
                reported, reported_at = self.last, time.monotonic()
            if self.last.caught_up and self.clock.live and not told:
                told = True
                self.report(
                    f"The campaign until now is posted ({self.last.events_due:,} events since "
                    f"{self.clock.sent_at:%a %H:%M} UTC); "
                    "the rest arrives as it happens."
                )
        simulation.stop()
        self.last = simulation.progress()
        self.report(summary(self.last))

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not self._stop.wait(0.2):
            try:
                if httpx.get(f"{self.url}/api/readyz", timeout=2).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.report("The server did not get ready within a minute; nothing is posted.")
                return False
        return False


def _changed(now: Progress, before: Progress | None) -> bool:
    if before is None:
        return True
    return (now.events_due, now.completions_recorded, now.sendgrid) != (
        before.events_due,
        before.completions_recorded,
        before.sendgrid,
    )


def _pace(speed: float) -> str:
    return "in real time" if speed == 1 else f"{speed:g}x faster than life"


def post_completions(tool: SurveyTool, key: bytes, done: list[Completion]) -> None:
    """Survey completions, posted by the simulated survey tool as signed webhooks, each with the
    survey token the invitation's link carried."""
    campaign = Campaign().name
    for c in done:
        token = keys.survey_token(key, campaign, c.employee_id)
        tool.post(Finished(f"msg_{campaign}_{c.employee_id}", token, c.completed_at))
