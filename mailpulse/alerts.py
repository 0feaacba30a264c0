"""Teams alerts: conditions checked on their own thread, each posted once until it clears.

Never on the ingest path: the thread reads with cursors and records alerts through the writer
like any other small write. Each condition has a key (`silence:<last batch time>`,
`digest:<campaign>:<day>`...) kept unique in `alerts`, so a restart does not repeat one; an
alert that could not be posted is tried again on later ticks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from core import funnel, sql, steps
from core.database import Database
from core.metrics import Metrics
from core.settings import Settings
from mailpulse import workflows
from mailpulse.workflows import Card

log = logging.getLogger(__name__)
UNAVAILABLE_MINUTES = 5
DIGEST_HOUR_UTC = 8
MAX_ATTEMPTS = 50
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class JobSummary:
    """What a finished send job reports (issue 11's "job finished" hook hands one over)."""

    job_id: str
    campaign: str
    segment: str
    counts: dict[str, int] = field(default_factory=dict)


class Alerts:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        metrics: Metrics,
        clock: Clock = lambda: datetime.now(UTC),
        tick_seconds: float = 30.0,
    ) -> None:
        self._db, self._settings, self._metrics, self._clock = db, settings, metrics, clock
        self._url = settings.teams_workflow_url.get_secret_value()
        self._tick_seconds, self._stop = tick_seconds, threading.Event()
        self._failing_since: datetime | None = None
        self._seen = (0, 0)  # (unavailable, stored) batches at the last tick
        self._http = httpx.Client()
        self._posting = threading.Lock()  # the tick and a job's hook never post one alert twice
        self._thread = threading.Thread(target=self._run, name="mailpulse-alerts", daemon=True)

    def start(self) -> Alerts:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self._http.close()

    def _run(self) -> None:
        while not self._stop.wait(self._tick_seconds):
            try:
                self.tick()
            except Exception:  # an alert bug must never stop the server; it is logged
                log.exception("Checking alert conditions failed; trying again next tick.")

    def tick(self) -> None:
        now = self._clock()
        self._silence(now)
        self._unavailable(now)
        self._digests(now)
        self.flush()

    def job_finished(self, job: JobSummary) -> None:
        facts = tuple((state, str(n)) for state, n in sorted(job.counts.items()))
        title = f"Send job finished: {job.campaign} ({job.segment})"
        self._raise(
            "send_finished", f"send:{job.job_id}", Card(title, "Recipients by state:", facts)
        )
        self.flush()

    def _silence(self, now: datetime) -> None:
        if not funnel_active(self._db, now):
            return
        (last,) = self._db.rows("last_batch_received")[0]
        minutes = self._settings.silence_alert_minutes
        if last is None or now - last < timedelta(minutes=minutes):
            return
        silent = int((now - last).total_seconds() // 60)
        text = (
            f"No SendGrid batch for {silent} minutes while a campaign is being sent. "
            "SendGrid retries for 24 hours only: check the receiver."
        )
        self._raise("silence", f"silence:{last.isoformat()}", Card("Receiver silent", text))

    def _unavailable(self, now: datetime) -> None:
        seen = (self._metrics.batches["unavailable"], self._metrics.batches["stored"])
        failed, stored = seen[0] > self._seen[0], seen[1] > self._seen[1]
        self._seen = seen
        if stored:
            self._failing_since = None  # cleared: a batch was stored again
        elif failed and self._failing_since is None:
            self._failing_since = now
        since = self._failing_since
        if since and now - since >= timedelta(minutes=UNAVAILABLE_MINUTES):
            text = (f"The receiver has answered 503 since {since:%H:%M} UTC: the database "
                    "cannot be written. SendGrid retries, for 24 hours only.")  # fmt: skip
            self._raise(
                "unavailable", f"unavailable:{since.isoformat()}", Card("Receiver failing", text)
            )

    def _digests(self, now: datetime) -> None:
        if now.hour < DIGEST_HOUR_UTC:
            return
        for (campaign,) in self._db.rows("campaigns_active", since=now - timedelta(days=1)):
            counted = steps.of(funnel.funnel(self._db, campaign, self._settings.bot_click_seconds))
            facts = (("Invited", f"{counted.invited:,}"),
                     *((s.capitalize(), _step(counted, s)) for s in steps.STEPS))  # fmt: skip
            card = Card(
                f"Daily digest: {campaign}", f"The funnel at {now:%Y-%m-%d %H:%M} UTC.", facts
            )
            self._raise("digest", f"digest:{campaign}:{now:%Y-%m-%d}", card)

    def _raise(self, kind: str, condition: str, card: Card) -> None:
        params = {"raised_at": self._clock(), "kind": kind, "condition": condition,
                  "title": card.title, "text": card_text(card)}  # fmt: skip
        self._db.write(lambda con: con.execute(sql.text("insert_alert"), params).fetchall())

    def flush(self) -> None:
        """Posts every alert not yet posted; failures are kept and tried again."""
        with self._posting:
            self._post_unposted()

    def _post_unposted(self) -> None:
        for alert_id, kind, title, text in self._db.rows(
            "alerts_unposted", max_attempts=MAX_ATTEMPTS
        ):
            error = workflows.post(self._http, self._url, card_from(title, text))
            if error:
                log.warning("Posting a %s alert to Teams failed (%s); will retry.", kind, error)
            params = {"alert_id": alert_id, "at": self._clock(), "error": error}
            self._db.write(lambda con, p=params: con.execute(sql.text("alert_attempted"), p))


def funnel_active(db: Database, now: datetime) -> bool:
    """A campaign is being sent when events of it arrived within the last day (until send
    jobs say so themselves)."""
    return bool(db.rows("campaigns_active", since=now - timedelta(days=1)))


def _step(counted: steps.Steps, step: str) -> str:
    if step == "delivered":
        return f"{counted.reached[step]:,}"
    return f"{counted.reached[step]:,} ({steps.percent(counted.rate(step))})"


def card_text(card: Card) -> str:
    """What is kept of a card: its text, then one `name: value` line per fact."""
    return "\n".join([card.text, *(f"{name}: {value}" for name, value in card.facts)])


def card_from(title: str, text: str) -> Card:
    first, *facts = text.split("\n")
    return Card(title, first, tuple(tuple(f.split(": ", 1)) for f in facts))  # type: ignore[misc]


_running: Alerts | None = None


def start(db: Database, settings: Settings, metrics: Metrics) -> Alerts | None:
    """Started by the server when a Workflows URL is set."""
    global _running
    if not settings.teams_workflow_url.get_secret_value():
        return None
    _running = Alerts(db, settings, metrics).start()
    return _running


def job_finished(job: JobSummary) -> None:
    """The hook a send job calls when it ends; posts its counts when alerts run."""
    if _running is not None:
        threading.Thread(target=_running.job_finished, args=(job,), daemon=True).start()
