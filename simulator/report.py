"""Progress of a simulation in words: what `mailpulse demo` prints."""

from __future__ import annotations

from datetime import datetime

from simulator.simulation import Progress


def describe(now: Progress, before: Progress | None, story: datetime) -> str:
    """One progress line: the story's clock, what was posted and how the receiver answered."""
    sg = now.sendgrid
    refused = sg.answers_rejected + sg.connection_errors
    refused_before = (
        before.sendgrid.answers_rejected + before.sendgrid.connection_errors if before else 0
    )
    recent = {t: n - (before.by_type.get(t, 0) if before else 0) for t, n in now.by_type.items()}
    busiest = sorted(((n, t) for t, n in recent.items() if n), reverse=True)[:4]
    happening = ", ".join(f"{n:,} {t}" for n, t in busiest) or "quiet"
    line = (
        f"[{_clock(now.elapsed)}] story {story:%a %H:%M} UTC | {happening} | posted "
        f"{sg.events_accepted:,}/{now.events_total:,} events in {sg.batches_accepted:,} batches, "
        f"{refused} refused, {sg.retries} retries, {sg.batches_repeated} sent twice | "
        f"completions: {now.completions_recorded:,}"
    )
    if refused > refused_before:
        line += f"\n    last refusal: {sg.last_refusal}"
    if now.completion_error and (before is None or before.completion_error != now.completion_error):
        line += f"\n    completions not recorded: {now.completion_error}"
    return line


def summary(progress: Progress) -> str:
    sg = progress.sendgrid
    rate = sg.events_accepted / progress.elapsed if progress.elapsed else 0.0
    return (
        f"Stopped after {_clock(progress.elapsed)}: {sg.events_accepted:,} events accepted in "
        f"{sg.batches_accepted:,} batches ({rate:,.0f} events/s), {sg.events_stored:,} stored, "
        f"batches sent twice: {sg.batches_repeated} ({sg.duplicates:,} duplicates skipped), "
        f"answers refused: {sg.answers_rejected}, tokens fetched: {sg.tokens_fetched}, "
        f"survey completions: {progress.completions_recorded:,}."
    )


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"
