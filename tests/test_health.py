import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mailpulse.settings import Settings
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
