"""Parsing costs memory proportional to the body, and what DuckDB may take is bounded."""

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from core.database import Database, memory_limit
from receiver.events import KEEP_BAD_ELEMENTS
from tests.conftest import count, post_batch
from tests.factories import event

TINY_ELEMENTS = 4_194_303  # `[0,0,...]` filling the 8 MiB default body limit
MEASURE = """
import json, resource, sys, time
from datetime import UTC, datetime
from pathlib import Path
from core.database import Database
from receiver.events import Fields
from receiver.ingest import BatchWork, Delivery, parse
body = b"[" + b",".join([b"0"] * int(sys.argv[2])) + b"]"
db = Database(Path(sys.argv[1]))
start = time.perf_counter()
delivery = Delivery(body, None, datetime.now(UTC))
outcome = db.write(BatchWork(delivery, parse(delivery, Fields())))
seconds = time.perf_counter() - start
with db.cursor() as cur:
    [(rows,)] = cur.execute("SELECT count(*) FROM quarantine").fetchall()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "quarantined": outcome.quarantined,
                  "received": outcome.received, "rows": rows}))
db.close()
"""


def test_an_8_mib_body_of_millions_of_tiny_elements_is_quick_and_small(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tmp_path / "m.duckdb"), str(TINY_ELEMENTS)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    measured = json.loads(run.stdout)
    assert measured["received"] == measured["quarantined"] == TINY_ELEMENTS
    assert measured["rows"] == KEEP_BAD_ELEMENTS + 1
    assert measured["seconds"] < 15
    assert measured["peak"] < 1.5 * 2**30


def test_past_a_few_bad_elements_the_body_is_quarantined_once_as_a_whole(
    api: TestClient, token: str
) -> None:
    good = event()
    body = json.dumps([*range(KEEP_BAD_ELEMENTS + 400), good]).encode()
    response = post_batch(api, token, body)
    assert response.status_code == 200
    assert response.json() == {
        "received": KEEP_BAD_ELEMENTS + 401, "stored": 1, "duplicates": 0,
        "quarantined": KEEP_BAD_ELEMENTS + 400,
    }  # fmt: skip
    assert count(api, "SELECT count(*) FROM quarantine") == KEEP_BAD_ELEMENTS + 1
    whole = "SELECT count(*) FROM quarantine WHERE position IS NULL AND reason LIKE '400 more%'"
    assert count(api, whole) == 1
    assert count(api, "SELECT count(*) FROM quarantine WHERE position = 0") == 1


def test_one_deeply_nested_event_is_quarantined_alone(api: TestClient, token: str) -> None:
    deep = b'{"event":"open","timestamp":1,"x":' + b"[" * 5000 + b"]" * 5000 + b"}"
    body = b"[" + json.dumps(event()).encode() + b"," + deep + b"," + json.dumps(event()).encode()
    response = post_batch(api, token, body + b"]")
    assert response.status_code == 200
    assert response.json() == {"received": 3, "stored": 2, "duplicates": 0, "quarantined": 1}
    database: Database = api.app.state.database
    with database.cursor() as cur:
        [(position, payload)] = cur.execute("SELECT position, payload FROM quarantine").fetchall()
    assert (position, bytes(payload)) == (1, deep)


def test_a_body_that_is_only_deep_nesting_is_one_quarantined_element(
    api: TestClient, token: str
) -> None:
    response = post_batch(api, token, b"[" * 100_000 + b"]" * 100_000)
    assert response.json() == {"received": 1, "stored": 0, "duplicates": 0, "quarantined": 1}


def test_deep_nesting_that_is_not_an_array_is_still_rejected_whole(
    api: TestClient, token: str
) -> None:
    response = post_batch(api, token, b"[" + b"[" * 5000 + b"]" * 4999)
    assert response.status_code == 400
    assert count(api, "SELECT count(*) FROM quarantine WHERE position IS NULL") == 1


def test_duckdb_may_use_a_quarter_of_the_machine_memory(db: Database) -> None:
    with db.cursor() as cur:
        [(limit,)] = cur.execute("SELECT current_setting('memory_limit')").fetchall()
    value, unit = limit.split()
    scale = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[unit]
    assert abs(float(value) * scale - memory_limit()) / memory_limit() < 0.05  # shown rounded
    assert memory_limit() >= 256 * 2**20
