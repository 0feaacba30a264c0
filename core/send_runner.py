"""The send runner: a thread of the server (or of the CLI when no server runs) that sends jobs.

Each request's recipients are committed `sending` before it leaves and get their final state
from its answer (`core.mailsend`); at start, `sending` left by a crash becomes `uncertain`, and
events carrying an uncertain mail's `send_id` turn it `accepted` (looked for every few seconds
in the batches stored since the last look, outside the ingest path).

Ingestion first: while batches arrive, the runner works at most `Pace.share_beside_ingest` of
the time (it waits after each request), so a send never takes the writer and the CPU from
SendGrid's posts. Its thread keeps its normal priority: a thread the operating system puts
last can be descheduled while it holds the GIL, and then every thread of the server waits for
it (measured: bench/RESULTS.md, "sending").
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from core import send_campaigns, sends, sql
from core.database import Database
from core.keys import secret_key
from core.mailsend import MAX_PERSONALIZATIONS, Answer, MailSend
from core.send_body import composed_for, request_body
from core.settings import Settings

log = logging.getLogger(__name__)
Summary = dict[str, Any]
Clock = Callable[[], datetime]
# Called with a finished job's summary (`sends.job`): Teams alerts hang here.
JOB_FINISHED: list[Callable[[Summary], None]] = []


@dataclass(frozen=True)
class Pace:
    poll_seconds: float = 1.0  # how soon a job asked for (by the dashboard, the CLI) starts
    promote_seconds: float = 3.0
    first_retry_seconds: float = 1.0  # 5xx and refused connections: 1, 2, 4, ... seconds
    max_retry_seconds: float = 60.0
    max_attempts: int = 10  # then that request's recipients fail
    share_beside_ingest: float = 0.5  # of the time, at most, while events are being stored


def utc_now() -> datetime:
    return datetime.now(UTC)


class Runner:
    """`clock` stamps mails accepted and jobs finished (the demo's invitation went out days ago:
    its clock runs behind until that job is done)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        pace: Pace = Pace(),
        transport: httpx.BaseTransport | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.db, self.settings, self.pace, self._transport = db, settings, pace, transport
        self.clock = clock
        self._stop = threading.Event()
        self._after = -1  # the last batch looked at for send ids
        self._thread = threading.Thread(target=self._run, name="mailpulse-sender", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(60)

    def recover(self) -> None:
        self.db.write(lambda con: con.execute(sql.text("sending_to_uncertain")))
        self.promote()

    def promote(self) -> int:
        """Uncertain mails that events have proven accepted since the last look."""
        promoted, self._after = self.db.write(lambda con: _promote(con, self._after))
        return promoted

    def _run(self) -> None:
        self.recover()
        promoted_at = time.monotonic()
        while not self._stop.wait(self.pace.poll_seconds):
            try:
                if time.monotonic() - promoted_at >= self.pace.promote_seconds:
                    self.promote()
                    promoted_at = time.monotonic()
                for (job_id,) in self.db.rows("unfinished_send_jobs"):
                    self.run_job(job_id)
            except Exception:  # a bad job must not end sending for the process
                log.exception("The send runner met an error; it goes on.")

    def run_job(self, job_id: int, progress: Callable[[Summary], None] | None = None) -> Summary:
        """Sends the job's queued mails; returns its summary (unfinished when stopped)."""
        job = JobSender(self, job_id)
        try:
            started = time.monotonic()
            while not self._stop.is_set() and job.next_request():
                if self._maybe_promote():  # events arrived meanwhile: ingestion goes first
                    share = self.pace.share_beside_ingest
                    self.wait((time.monotonic() - started) * (1 - share) / share)
                started = time.monotonic()
                if progress:
                    progress(sends.job(self.db, job_id))
        finally:
            job.close()
        summary = sends.job(self.db, job_id)
        if summary["finished_at"] is not None:
            self._finished(summary)
        return summary

    def _maybe_promote(self) -> bool:
        """True when batches were stored since the last look (only in the server's runner)."""
        if threading.current_thread() is not self._thread:
            return False
        after = self._after
        self.promote()  # cheap: only the batches since the last request
        return self._after > after

    def _finished(self, summary: Summary) -> None:
        log.info("Send job %s of %s finished: %s", summary["job_id"], summary["campaign"],
                 summary["counts"])  # fmt: skip
        for hook in JOB_FINISHED:
            try:
                hook(summary)
            except Exception:
                log.exception("A send-job hook failed.")

    def wait(self, seconds: float) -> bool:
        """False when the runner is stopping."""
        return not self._stop.wait(max(seconds, 0.0))


def _promote(con: Any, after: int) -> tuple[int, int]:
    upto, uncertain = con.execute(sql.text("promotion_window")).fetchone()
    if upto is None or upto <= after or not uncertain:
        return 0, after if upto is None else upto
    params = {"after": after, "upto": upto}
    (promoted,) = con.execute(sql.text("promote_uncertain"), params).fetchone()
    return promoted, upto


class JobSender:
    """One job's requests, in turn."""

    def __init__(self, runner: Runner, job_id: int) -> None:
        self.runner, self.db, self.job_id = runner, runner.db, job_id
        job = sends.job(self.db, job_id)
        self.campaign = send_campaigns.find(self.db, job["campaign"])
        self.composed = composed_for(self.campaign, job["segment"])
        self.key = secret_key(runner.settings.db)
        self.client = MailSend(runner.settings, runner._transport)

    def close(self) -> None:
        self.client.close()

    def next_request(self) -> bool:
        """Sends the next request; False when the job is done (or stopped)."""
        chunk = self.db.frame("send_chunk", job_id=self.job_id, limit=MAX_PERSONALIZATIONS)
        if chunk.empty:
            self._finish(None)
            return False
        gone = chunk[~chunk["active"].astype(bool)]
        if not gone.empty:
            self._fail(gone["send_id"].tolist(), "The employee left the roster before sending.")
            return True
        first, last = int(chunk["position"].iloc[0]), int(chunk["position"].iloc[-1])
        body = request_body(self.runner.settings, self.campaign, self.composed, self.key, chunk)
        return self._send(body, first, last)

    def _send(self, body: dict[str, Any], first: int, last: int) -> bool:
        attempt = 0
        while True:
            self._mark(first, last, "queued", "sending")
            answer = self.client.post(body)
            if answer.kind not in ("retry", "rate_limited"):
                return self._settle(answer, first, last)
            self._mark(first, last, "sending", "queued")  # SendGrid did not take them
            attempt += answer.kind == "retry"
            if attempt >= self.runner.pace.max_attempts:
                self._mark(first, last, "queued", "failed", error=f"{answer.error} (every try)")
                return True
            if not self.runner.wait(self._wait(answer, attempt)):
                return False

    def _wait(self, answer: Answer, attempt: int) -> float:
        if answer.kind == "rate_limited" and answer.reset_at is not None:
            return answer.reset_at - time.time()
        pace = self.runner.pace
        return min(pace.first_retry_seconds * 2 ** (attempt - 1), pace.max_retry_seconds)

    def _settle(self, answer: Answer, first: int, last: int) -> bool:
        if answer.kind == "accepted":
            self._mark(first, last, "sending", "accepted", message_id=answer.message_id)
        elif answer.kind == "lost":
            self._mark(first, last, "sending", "uncertain", error=answer.error)
        else:
            self._mark(first, last, "sending", "failed", error=answer.error)
        if answer.kind == "stop":
            self.db.write(lambda con: con.execute(
                sql.text("fail_queued_sends"), {"job_id": self.job_id, "error": answer.error}
            ))  # fmt: skip
            self._finish(answer.error)
            return False
        return True

    def _mark(self, first: int, last: int, from_: str, to: str, **extra: str | None) -> None:
        """A plain move writes the state only; a settled request (`extra`: message_id or
        error) writes those and the accepted time too."""
        params = {"job_id": self.job_id, "first": first, "last": last, "from": from_, "to": to}
        name = "move_sends"
        if extra:
            name = "mark_sends"
            params |= {"message_id": extra.get("message_id"), "error": extra.get("error"),
                       "now": self.runner.clock()}  # fmt: skip
        self.db.write(lambda con: con.execute(sql.text(name), params))

    def _fail(self, send_ids: list[str], error: str) -> None:
        params = {"job_id": self.job_id, "send_ids": send_ids, "error": error}
        self.db.write(lambda con: con.execute(sql.text("fail_sends"), params))

    def _finish(self, stopped: str | None) -> None:
        params = {"job_id": self.job_id, "stopped": stopped, "now": self.runner.clock()}
        self.db.write(lambda con: con.execute(sql.text("finish_send_job"), params))
