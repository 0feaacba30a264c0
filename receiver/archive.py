"""Bodies already archived: a signed body seen again (same bytes, same signature timestamp) is
SendGrid retrying after a lost answer. It is not archived again, and gets its first answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

import duckdb
import pyarrow as pa

from core import sql

T = TypeVar("T")
CLOCK_SKEW = timedelta(hours=1)  # SendGrid's clock may run ahead of ours
LATEST = 32_503_680_000  # year 3000: a later signature timestamp cannot be a datetime


class Signed(Protocol):
    sha256: str  # of the body
    signed_at: int | None


class Known:
    """Which deliveries of one commit are new, and the stored answers of the others."""

    def __init__(self, con: duckdb.DuckDBPyConnection, deliveries: Sequence[Signed]) -> None:
        self.count = len(deliveries)
        self.same_as: dict[int, int] = {}  # a repeat inside this commit -> its first
        firsts: dict[tuple[str, int], int] = {}
        for index, delivery in enumerate(deliveries):
            if delivery.signed_at is not None:
                key = (delivery.sha256, delivery.signed_at)
                self.same_as[index] = firsts.setdefault(key, index)
        self.stored = _archived(con, deliveries, firsts) if firsts else {}

    def first(self, index: int) -> bool:
        """Whether delivery `index` is to be archived and stored."""
        return index not in self.stored and self.same_as.get(index, index) == index

    def answers(self, fresh: list[T], rebuild: Callable[..., T]) -> list[T]:
        """Every delivery's answer, given those of the fresh ones in order."""
        results: dict[int, T] = {i: rebuild(*row) for i, row in self.stored.items()}
        outcomes = iter(fresh)
        for index in range(self.count):
            if self.first(index):
                results[index] = next(outcomes)
        return [results.get(i) or results[self.same_as[i]] for i in range(self.count)]


def _archived(
    con: duckdb.DuckDBPyConnection, deliveries: Sequence[Signed], firsts: dict[tuple[str, int], int]
) -> dict[int, tuple[Any, ...]]:
    candidates = pa.table({  # noqa: F841 (read by the statement from this frame, as in ingest)
        "idx": [index for index in firsts.values()],
        "body_sha256": [sha for sha, _ in firsts],
        "signed_at": pa.array([signed_at for _, signed_at in firsts], pa.int64()),
    })  # fmt: skip
    first, last = min(signed for _, signed in firsts), max(signed for _, signed in firsts)
    since = datetime.fromtimestamp(max(min(first, LATEST), 0), UTC) - CLOCK_SKEW
    params = {"since": since, "first_signed": first, "last_signed": last}
    rows = con.execute(sql.text("archived_outcomes"), params).fetchall()
    return {idx: tuple(rest) for idx, *rest in rows}
