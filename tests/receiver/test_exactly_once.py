"""Exactly once on both keys, and a signed body SendGrid retries answered as the first time."""

import hashlib
import json
import time
from datetime import UTC, datetime

import duckdb
import orjson
from fastapi.testclient import TestClient

from core import sql
from core.database import Database
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many
from simulator.credentials import Signer
from tests.conftest import client_for, count, create_client, get_token, post_batch
from tests.factories import batch, event
from tests.funnel_events import ingest
from tests.receiver.test_webhook import signed_settings


def test_a_batch_redelivered_with_fresh_sg_event_ids_stores_nothing_new(
    api: TestClient, token: str
) -> None:
    events = [event(), event(), event()]
    assert post_batch(api, token, batch(*events)).json()["stored"] == 3
    fresh = [{**e, "sg_event_id": e["sg_event_id"] + "-again"} for e in events]
    answer = post_batch(api, token, batch(*fresh)).json()
    assert answer == {"received": 3, "stored": 0, "duplicates": 3, "quarantined": 0}
    assert count(api, "SELECT count(*) FROM events") == 3


def test_a_redelivery_with_a_fresh_id_inside_one_batch_is_stored_once(
    api: TestClient, token: str
) -> None:
    first = event()
    again = {**first, "sg_event_id": "another-id"}
    answer = post_batch(api, token, batch(first, again)).json()
    assert (answer["stored"], answer["duplicates"]) == (1, 1)


def test_two_different_events_sharing_a_timestamp_are_both_kept(
    api: TestClient, token: str
) -> None:
    one = event(timestamp=1_767_225_600, email="a@corp.example")
    two = event(timestamp=1_767_225_600, email="b@corp.example")
    del one["sg_event_id"], two["sg_event_id"]
    assert post_batch(api, token, batch(one, two)).json()["stored"] == 2


def test_an_event_without_sg_event_id_and_its_copy_with_one_are_one_event(
    api: TestClient, token: str
) -> None:
    bare = event()
    del bare["sg_event_id"]
    post_batch(api, token, batch(bare))
    answer = post_batch(api, token, batch({**bare, "sg_event_id": "late-id"})).json()
    assert (answer["stored"], answer["duplicates"]) == (0, 1)


def test_send_id_is_stored_and_null_when_absent(api: TestClient, token: str) -> None:
    post_batch(api, token, batch(event(send_id="send-7"), event()))
    query = "SELECT count(*) FROM events WHERE send_id = 'send-7'"
    assert count(api, query) == 1
    assert count(api, "SELECT count(*) FROM events WHERE send_id IS NULL") == 1


def test_a_signed_body_posted_again_is_not_archived_again_and_gets_the_first_answer(
    tmp_path, signing_key: Signer
) -> None:
    with client_for(signed_settings(tmp_path, signing_key)) as api:
        token = get_token(api, create_client(api))
        body, stamp = batch(event(), event()), int(time.time())
        headers = signing_key.headers(body, stamp)
        answers = [post_batch(api, token, body, **headers).json() for _ in range(3)]
        assert answers == [{"received": 2, "stored": 2, "duplicates": 0, "quarantined": 0}] * 3
        assert count(api, "SELECT count(*) FROM raw_batches") == 1
        later = post_batch(api, token, body, **signing_key.headers(body, stamp + 1)).json()
        assert (later["stored"], later["duplicates"]) == (0, 2)
        assert count(api, "SELECT count(*) FROM raw_batches") == 2


def test_a_signed_body_refused_whole_is_refused_again_without_a_second_copy(
    tmp_path, signing_key: Signer
) -> None:
    with client_for(signed_settings(tmp_path, signing_key)) as api:
        token = get_token(api, create_client(api))
        body, stamp = b'{"not": "an array"}', int(time.time())
        headers = signing_key.headers(body, stamp)
        codes = [post_batch(api, token, body, **headers).status_code for _ in range(2)]
        assert codes == [400, 400]
        assert count(api, "SELECT count(*) FROM raw_batches") == 1
        assert count(api, "SELECT count(*) FROM quarantine") == 1


def test_events_stored_before_content_keys_existed_do_not_block_new_ones(
    db: Database,
) -> None:
    db.write(lambda con: con.execute("UPDATE events SET content_key = NULL"))
    ingest(db, event())
    db.write(lambda con: con.execute("UPDATE events SET content_key = NULL"))
    ingest(db, event())
    assert count(db, "SELECT count(*) FROM events") == 2


def test_the_writer_checkpoints_a_large_wal_once_it_is_idle(db: Database) -> None:
    db.write(lambda con: con.execute(
        "CREATE TABLE filler AS SELECT range AS n, repeat('x', 200) AS s FROM range(1)"
    ))  # fmt: skip
    for _ in range(8):
        db.write(lambda con: con.execute(
            "INSERT INTO filler SELECT range, repeat('y', 200) FROM range(20000)"
        ))  # fmt: skip
    wal = db.path.with_name(db.path.name + ".wal")
    deadline = time.monotonic() + 5
    while wal.exists() and wal.stat().st_size > 1_000_000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not wal.exists() or wal.stat().st_size <= 1_000_000


def test_an_event_in_two_batches_of_one_commit_is_stored_once_with_the_first(
    db: Database,
) -> None:
    shared, again = event(), event()
    first = Delivery(batch(shared, event()), None, datetime.now(UTC))
    second = Delivery(
        batch({**shared, "sg_event_id": "fresh"}, again, again), None, datetime.now(UTC)
    )
    items = [(delivery, parse(delivery, Fields())) for delivery in (first, second)]
    outcomes = db.write(lambda con: store_many(con, items))
    assert [(o.stored, o.duplicates) for o in outcomes] == [(2, 0), (1, 2)]
    assert count(db, "SELECT count(*) FROM events") == 3


def test_events_stored_with_text_keys_still_catch_their_redeliveries_once_migrated(
    settings,
) -> None:
    con = duckdb.connect(str(settings.db))  # a database of migration 3: keys were text
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at DATE)")
    for version, script in sql.MIGRATIONS:
        if version < 4:
            con.execute(script)
            con.execute("INSERT INTO schema_migrations VALUES ($v, now())", {"v": version})
    with_id = event()
    anonymous = {k: v for k, v in event().items() if k != "sg_event_id"}
    for item in (with_id, anonymous):
        canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        rest = {k: v for k, v in item.items() if k != "sg_event_id"}
        con.execute(
            "INSERT INTO events (event_key, content_key, sg_event_id, batch_id, position, event,"
            " ts, received_at, campaign, machine_open) VALUES ($key, $content, $id, 0, 0, $event,"
            " make_timestamp($ts::BIGINT * 1000000)::TIMESTAMPTZ, now(), 'c', false)",
            {
                "key": item.get("sg_event_id") or text_key(canonical.encode()),
                "content": text_key(orjson.dumps(rest, option=orjson.OPT_SORT_KEYS)),
                "id": item.get("sg_event_id"),
                "event": item["event"],
                "ts": item["timestamp"],
            },
        )
    con.close()
    db = Database(settings.db)  # migrates the keys to integers
    try:
        ingest(db, with_id, {**with_id, "sg_event_id": "a fresh id"}, anonymous)
        assert count(db, "SELECT count(*) FROM events") == 2
        ingest(db, event())
        assert count(db, "SELECT count(*) FROM events") == 3
    finally:
        db.close()


def text_key(canonical: bytes) -> str:
    """A key as migration 3 stored it."""
    return "sha256:" + hashlib.sha256(canonical).hexdigest()
