import errno
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.funnel import funnel
from core.settings import Settings
from harness.crashes import stored_keys
from tests.conftest import client_for, count, create_client, get_token, post_batch
from tests.factories import batch, event


def test_healthz_answers_while_the_process_runs(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_ready_when_the_database_is_writable(api: TestClient) -> None:
    assert api.get("/readyz").status_code == 200


def test_metrics_count_batches_events_and_auth_failures(api: TestClient, token: str) -> None:
    post_batch(api, token, batch(event(event="open"), event(event="mystery")))
    post_batch(api, "wrong", b"[]")
    text = api.get("/metrics").text
    assert 'mailpulse_events_received_total{type="open"} 1' in text
    assert 'mailpulse_events_received_total{type="other"} 1' in text
    assert 'mailpulse_batches_total{outcome="stored"} 1' in text
    assert 'mailpulse_auth_failures_total{reason="invalid_token"} 1' in text
    assert "mailpulse_ingest_seconds_count 1" in text
    assert "@corp.example" not in text


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MiB filesystem (tmpfs, mounted as root) that the test can fill up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs needs root; this machine refused it")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_a_full_disk_answers_503_stores_nothing_and_recovers(small_disk: Path) -> None:
    settings = Settings(db=small_disk / "m.duckdb", max_body_bytes=1_000_000, _env_file=None)
    with client_for(settings) as api:
        token = get_token(api, create_client(api))
        assert post_batch(api, token, batch(event())).status_code == 200
        filler = fill(small_disk)

        refused = post_batch(api, token, batch(*[event() for _ in range(200)]))
        assert refused.status_code == 503
        assert refused.headers["retry-after"]
        not_ready = api.get("/readyz")
        assert not_ready.status_code == 503
        assert "bytes free" in not_ready.json()["reason"]
        assert count(api, "SELECT count(*) FROM events") == 1
        assert count(api, "SELECT count(*) FROM raw_batches") == 1

        os.remove(filler)
        assert api.get("/readyz").status_code == 200
        assert post_batch(api, token, batch(event())).status_code == 200
        assert count(api, "SELECT count(*) FROM events") == 2


@pytest.fixture
def freezable(tmp_path: Path) -> Iterator[Path]:
    """A folder whose database files the test can turn read-only while DuckDB holds them open.

    A real fault of the filesystem, not a fault-injection setting: the immutable attribute
    (`chattr +i`, as root on ext4) refuses every write to the folder and its files, through
    descriptors opened before as well, and to root too. Remounting a filesystem read-only is not
    possible here while the database file is open for writing (the kernel answers "busy").
    """
    folder = tmp_path / "db"
    folder.mkdir()
    if _immutable(folder, on=True).returncode != 0:
        pytest.skip("chattr +i needs root on a filesystem with the immutable attribute")
    _immutable(folder, on=False)
    yield folder
    _immutable(folder, on=False)  # else pytest could not remove it


@contextmanager
def frozen(folder: Path) -> Iterator[None]:
    _immutable(folder, on=True)
    try:
        yield
    finally:
        _immutable(folder, on=False)


def _immutable(folder: Path, on: bool) -> subprocess.CompletedProcess:
    paths = [folder, *folder.iterdir()]
    return subprocess.run(["chattr", "+i" if on else "-i", *map(str, paths)], capture_output=True)


def test_a_read_only_database_answers_503_stores_nothing_and_recovers(freezable: Path) -> None:
    settings = Settings(db=freezable / "m.duckdb", _env_file=None)
    answers: list[tuple[int, str | None, list[str]]] = []  # status, Retry-After, event ids
    with client_for(settings) as api:
        token = get_token(api, create_client(api))
        stop = threading.Event()

        def ingest() -> None:  # SendGrid-like: one batch after another, through the fault
            while not stop.is_set():
                events = [event() for _ in range(50)]
                response = post_batch(api, token, batch(*events))
                ids = [e["sg_event_id"] for e in events]
                answers.append((response.status_code, response.headers.get("retry-after"), ids))

        poster = threading.Thread(target=ingest)
        poster.start()
        try:
            wait_for(lambda: len(answers) >= 5)
            with frozen(freezable):
                wait_for(lambda: sum(status == 503 for status, _, _ in answers) >= 3)
                not_ready = api.get("/readyz")
                assert not_ready.status_code == 503
                assert "Operation not permitted" in not_ready.json()["reason"]
                assert len(funnel(api.app.state.database, "survey-2026", 60)) > 0  # reads work
            during = len(answers)
            wait_for(lambda: len(answers) >= during + 5)  # resumed by itself
        finally:
            stop.set()
            poster.join()
        assert api.get("/readyz").status_code == 200
    assert [status for status, _, _ in answers[during + 1 :]] == [200] * (len(answers) - during - 1)
    assert all(retry for status, retry, _ in answers if status == 503)
    stored = stored_keys(settings.db)  # reopened: as it stays once the log is replayed
    for status, _, ids in answers:
        assert [stored[i] for i in ids] == [1 if status == 200 else 0] * len(ids)


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
