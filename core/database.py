"""The database owner: one DuckDB connection per process, one writer thread, read cursors."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from itertools import groupby
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from core import sql
from core.errors import UserError

T = TypeVar("T")
Work = Callable[[duckdb.DuckDBPyConnection], Any]
Maintenance = Callable[[duckdb.DuckDBPyConnection, bool], None]  # (con, nothing is waiting)
MAX_GROUP = 256
MEMORY_SHARE = 4  # DuckDB may use a quarter of the machine's memory (its default is 80%)
MIN_MEMORY = 256 * 2**20
# A checkpoint costs ~15-20 ms plus ~7 ms per MiB of WAL (bench/RESULTS.md) and blocks commits,
# so the writer runs small ones between commits, never inside one: after a commit (its answers
# are out), when its queue is empty and the WAL has passed IDLE_CHECKPOINT_WAL, or when work is
# waiting but the WAL has passed BUSY_CHECKPOINT_WAL (a queue that never empties). The automatic
# checkpoint inside a commit (1 GiB, seconds long) stays as a backstop only.
IDLE_CHECKPOINT_WAL = 4 * 2**20
BUSY_CHECKPOINT_WAL = 8 * 2**20
NO_VACUUM, VACUUM_TASKS = 0, 100  # DuckDB's max_vacuum_tasks: off, and its default


class DatabaseBusy(UserError):
    """Another process holds the database file."""


class DatabaseMissing(UserError):
    """There is no database file where the settings point."""


class DatabaseClosed(RuntimeError):
    """A write was submitted after `Database.close()`: nothing will ever run it."""


class Database:
    def __init__(self, path: Path, *, create: bool = True) -> None:
        """Opens (and migrates) the file; with `create=False` a missing file is refused."""
        if not create and not path.is_file():
            raise DatabaseMissing(
                f"There is no database at {path}: set MAILPULSE_DB to the database file "
                "(a new one is made by `mailpulse serve`)."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseBusy(f"{path} is in use by another process.") from None
            raise
        self.path = path
        self._con.execute("SET wal_autocheckpoint = '1GiB'")
        # A checkpoint's vacuum (merging row groups) took 1-2 s whenever a row group had filled,
        # against ~40 ms without it: it runs only when asked for (vacuum_soon), once idle.
        self._con.execute(f"SET max_vacuum_tasks = {NO_VACUUM}")
        self._vacuum_due = threading.Event()
        self._con.execute(f"SET memory_limit = '{memory_limit() // 2**20}MiB'")  # an int
        self._con.execute("SET TimeZone = 'UTC'")
        migrate(self._con)
        self.writer = Writer(self._con.cursor(), self._checkpoint_if_due)

    def vacuum_soon(self) -> None:
        """After deletions (retention, forget): the next checkpoint with nothing waiting also
        rewrites the row groups they thinned."""
        self._vacuum_due.set()

    def _checkpoint_if_due(self, con: duckdb.DuckDBPyConnection, idle: bool) -> None:
        if idle and self._vacuum_due.is_set():
            self._vacuum_due.clear()
            con.execute(f"SET max_vacuum_tasks = {VACUUM_TASKS}")
            try:
                con.execute("CHECKPOINT")
            finally:
                con.execute(f"SET max_vacuum_tasks = {NO_VACUUM}")
            return
        wal = self.path.with_name(self.path.name + ".wal")
        with suppress(OSError):
            if wal.stat().st_size >= (IDLE_CHECKPOINT_WAL if idle else BUSY_CHECKPOINT_WAL):
                con.execute("CHECKPOINT")

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read cursor of its own: MVCC snapshot reads that never block the writer."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def frame(self, name: str, /, **params: Any) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql.text(name), params).df()

    def rows(self, name: str, /, **params: Any) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql.text(name), params).fetchall()

    def write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run `work` in the writer's transaction; returns once it is durably committed."""
        return self.writer.submit(work).result()

    def close(self) -> None:
        self.writer.stop()
        self._con.close()


_shared: dict[Path, Database] = {}
_shared_lock = threading.Lock()


def shared(path: Path) -> Database:
    """The process's one Database for `path`: the receiver and the dashboard share it."""
    key = path.resolve()
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Database(path)
        return _shared[key]


def close_shared(path: Path) -> None:
    with _shared_lock:
        db = _shared.pop(path.resolve(), None)
    if db is not None:
        db.close()


def memory_limit() -> int:
    """A share of the machine's memory, so one process cannot take what the others need."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return MIN_MEMORY * 4
    return max(total // MEMORY_SHARE, MIN_MEMORY)


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    applied = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    pending = [(version, script) for version, script in sql.MIGRATIONS if version not in applied]
    for version, script in pending:
        con.execute("BEGIN")
        con.execute(script)
        con.execute("INSERT INTO schema_migrations (version) VALUES ($v)", {"v": version})
        con.execute("COMMIT")
    if pending:  # replaying an ALTER ... USING from the WAL needs functions DuckDB loads later
        con.execute("CHECKPOINT")


class Writer:
    """The only thread that writes. Everything queued since its last commit shares one commit.

    Work offering a static `together(con, works) -> results` is done in one call per run of
    consecutive such works, so a commit of many small batches costs a few statements only.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, maintain: Maintenance | None = None) -> None:
        self._con = con
        self._maintenance = maintain
        self._queue: queue.Queue[tuple[Work, Future] | None] = queue.Queue()
        self._stopping = threading.Lock()  # no work can slip in behind the stop sign
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="mailpulse-writer", daemon=True)
        self._thread.start()

    def submit(self, work: Work) -> Future:
        future: Future = Future()
        with self._stopping:
            if self._stopped:
                raise DatabaseClosed("The database is closed: nothing more can be written.")
            self._queue.put((work, future))
        return future

    def stop(self) -> None:
        with self._stopping:
            if self._stopped:
                return
            self._stopped = True
            self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            group = [job]
            while len(group) < MAX_GROUP:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._commit(group)
                    return
                group.append(nxt)
            self._commit(group)
            self._maintain()

    def _maintain(self) -> None:
        """Between commits, never inside one (a checkpoint, when the WAL calls for one)."""
        if self._maintenance is not None:
            with suppress(duckdb.Error):  # a failed checkpoint is retried after the next commit
                self._maintenance(self._con, self._queue.empty())

    def _commit(self, group: list[tuple[Work, Future]]) -> None:
        try:
            results = self._transaction([work for work, _ in group])
        except Exception as exc:
            if len(group) == 1:
                group[0][1].set_exception(exc)
            else:  # find the culprit: each job again, alone
                for job in group:
                    self._commit([job])
            return
        for (_, future), result in zip(group, results, strict=True):
            future.set_result(result)

    def _transaction(self, works: list[Work]) -> list[Any]:
        self._con.execute("BEGIN")
        try:
            results = []
            for together, run in groupby(works, key=lambda w: getattr(w, "together", None)):
                run = list(run)
                results += together(self._con, run) if together else [w(self._con) for w in run]
            self._con.execute("COMMIT")
        except BaseException:
            self._safe_rollback()
            raise
        return results

    def _safe_rollback(self) -> None:
        with suppress(duckdb.Error):  # the transaction may be gone already (a failed commit)
            self._con.execute("ROLLBACK")
