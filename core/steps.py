"""Funnel steps (SPEC "Funnel steps"): invited, then who reached at least each step, with rates
over delivered. The one definition behind Teams answers and digests."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.funnel import STEPS, reached, stage_counts

MIN_GROUP = 5  # managers and channels see aggregates of at least this many people


@dataclass(frozen=True)
class Steps:
    invited: int
    reached: dict[str, int]  # delivered, opened, clicked, completed

    def rate(self, step: str) -> float:
        return self.reached[step] / max(self.reached["delivered"], 1)


def from_stages(stages: dict[str, int]) -> Steps:
    invited = sum(n for stage, n in stages.items() if stage != "not_sent")
    return Steps(invited, {step: sum(stages[s] for s in reached(step)) for step in STEPS})


def of(frame: pd.DataFrame) -> Steps:
    return from_stages(stage_counts(frame))


def percent(rate: float) -> str:
    """Rounded as the Overview rounds them."""
    return f"{rate:.0%}"
