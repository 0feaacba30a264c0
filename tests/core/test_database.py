import subprocess
import sys
import threading
import time

import duckdb
import pytest

from core import database, sql
from core.database import Database, DatabaseBusy, DatabaseClosed, DatabaseMissing


def test_migrations_are_versioned_and_run_once(settings) -> None:
    Database(settings.db).close()
    db = Database(settings.db)
    assert db.rows("client_by_name", name="nobody") == []
    with db.cursor() as cur:
        applied = cur.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert applied == [(version,) for version, _ in sql.MIGRATIONS]
    db.close()


def test_a_second_process_is_refused_with_a_clear_error(settings, db) -> None:
    code = (
        "from pathlib import Path; from core.database import Database; "
        f"Database(Path({str(settings.db)!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert DatabaseBusy.__name__ in done.stderr and "in use by another process" in done.stderr


def test_concurrent_writes_share_commits(db: Database) -> None:
    db.write(lambda con: con.execute("CREATE TABLE t (n INTEGER)"))
    gate = threading.Event()
    db.writer.submit(lambda con: gate.wait(5))  # holds the writer while the others queue up
    futures = [
        db.writer.submit(lambda con, n=n: con.execute("INSERT INTO t VALUES ($n)", {"n": n}))
        for n in range(50)
    ]
    gate.set()
    for future in futures:
        future.result(timeout=10)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM t").fetchall() == [(50,)]


def test_a_failing_job_fails_alone_and_its_neighbours_commit(db: Database) -> None:
    db.write(lambda con: con.execute("CREATE TABLE t (n INTEGER)"))
    gate = threading.Event()
    db.writer.submit(lambda con: gate.wait(5))
    good = db.writer.submit(lambda con: con.execute("INSERT INTO t VALUES (1)"))
    bad = db.writer.submit(lambda con: con.execute("INSERT INTO nowhere VALUES (1)"))
    gate.set()
    good.result(timeout=10)
    with pytest.raises(duckdb.CatalogException):
        bad.result(timeout=10)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM t").fetchall() == [(1,)]


def test_a_write_after_close_is_refused_instead_of_waiting_forever(settings) -> None:
    db = Database(settings.db)
    db.close()
    with pytest.raises(DatabaseClosed):
        db.write(lambda con: con.execute("SELECT 1"))


def test_a_database_that_must_exist_is_not_created(tmp_path) -> None:
    missing = tmp_path / "nowhere" / "m.duckdb"
    with pytest.raises(DatabaseMissing, match="MAILPULSE_DB"):
        Database(missing, create=False)
    assert not missing.parent.exists()


def test_a_writer_that_never_runs_dry_checkpoints_between_commits(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "MAX_GROUP", 1)  # one commit per job, the queue always full
    wal = db.path.with_name(db.path.name + ".wal")
    seen: list[int] = []

    def write(con: duckdb.DuckDBPyConnection) -> None:
        seen.append(wal.stat().st_size if wal.exists() else 0)  # inside the transaction
        con.execute("INSERT INTO filler SELECT range, repeat('y', 200) FROM range(5000)")

    db.write(lambda con: con.execute("CREATE TABLE filler (n BIGINT, s VARCHAR)"))
    futures = [db.writer.submit(write) for _ in range(60)]  # ~60 MiB of WAL
    for future in futures:
        future.result()
    assert max(seen) < database.BUSY_CHECKPOINT_WAL + 2 * 2**20 < 16 * 2**20


def test_a_vacuum_asked_for_runs_with_the_next_idle_checkpoint_and_only_then(
    db: Database,
) -> None:
    def vacuum_tasks(con: duckdb.DuckDBPyConnection) -> int:
        return con.execute("SELECT current_setting('max_vacuum_tasks')").fetchone()[0]

    db.write(
        lambda con: con.execute("CREATE TABLE thinned AS SELECT range AS n FROM range(300000)")
    )
    db.write(lambda con: con.execute("DELETE FROM thinned WHERE n % 2 = 0"))
    wal = db.path.with_name(db.path.name + ".wal")
    assert wal.exists() and wal.stat().st_size > 0  # below the checkpoint threshold
    db.vacuum_soon()
    assert db.write(vacuum_tasks) == database.NO_VACUUM
    deadline = time.monotonic() + 5
    while wal.exists() and wal.stat().st_size > 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed although the WAL is small
    assert db.write(vacuum_tasks) == database.NO_VACUUM  # and vacuum off again
