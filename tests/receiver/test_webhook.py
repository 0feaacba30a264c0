import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from core import clients
from core.settings import Settings
from simulator.credentials import Signer
from tests.conftest import (
    client_for,
    count,
    create_client,
    fixture_bytes,
    get_token,
    post_batch,
)
from tests.factories import batch, event

FIXTURE_COUNTS = {  # file: (received, stored); the docs reuse one sg_event_id in two files
    "events_account_status_change.json": (1, 1),
    "events_bounce.json": (7, 6),
    "events_click.json": (5, 5),
    "events_deferred.json": (6, 6),
    "events_delivered.json": (7, 7),
    "events_dropped.json": (6, 6),
    "events_group_resubscribe.json": (3, 3),
    "events_group_unsubscribe.json": (2, 2),
    "events_open.json": (7, 7),
    "events_processed.json": (10, 9),
    "events_spamreport.json": (3, 3),
    "events_unsubscribe.json": (3, 3),
    "sample_batch.json": (18, 17),
    "sample_batch_survey_synthetic.json": (21, 20),
}


@pytest.mark.parametrize("name", sorted(FIXTURE_COUNTS))
def test_every_fixture_file_is_stored_with_its_expected_rows(
    api: TestClient, token: str, name: str
) -> None:
    received, stored = FIXTURE_COUNTS[name]
    response = post_batch(api, token, fixture_bytes(name))
    assert response.status_code == 200
    assert response.json() == {
        "received": received,
        "stored": stored,
        "duplicates": received - stored,
        "quarantined": 0,
    }
    assert count(api, "SELECT count(*) FROM events") == stored
    assert count(api, "SELECT count(*) FROM raw_batches") == 1


def test_a_batch_posted_three_times_is_stored_once(api: TestClient, token: str) -> None:
    body = fixture_bytes("sample_batch.json")
    answers = [post_batch(api, token, body).json() for _ in range(3)]
    assert [a["stored"] for a in answers] == [17, 0, 0]
    assert [a["duplicates"] for a in answers] == [1, 18, 18]
    assert count(api, "SELECT count(*) FROM events") == 17
    assert count(api, "SELECT count(*) FROM raw_batches") == 3


def test_overlapping_batches_from_many_threads_store_each_event_once(
    api: TestClient, token: str
) -> None:
    events = [event(event="open") for _ in range(400)]
    bodies = [batch(*events[i : i + 100]) for i in range(0, 350, 50)] * 3

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda body: post_batch(api, token, body), bodies))

    assert {a.status_code for a in answers} == {200}
    assert sum(a.json()["stored"] for a in answers) == 400
    assert count(api, "SELECT count(*) FROM events") == 400
    assert count(api, "SELECT count(DISTINCT event_key) FROM events") == 400


def test_an_empty_array_is_accepted_with_zeros(api: TestClient, token: str) -> None:
    response = post_batch(api, token, b"[]")
    assert response.status_code == 200
    assert response.json() == {"received": 0, "stored": 0, "duplicates": 0, "quarantined": 0}


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"event": "open"}', b"42", b'[{"event": "open", "timestamp": 1}', b"\xff\xfe"],
    ids=["not-json", "an-object", "a-number", "half-an-array", "invalid-utf8"],
)
def test_an_authenticated_body_that_is_not_an_array_is_400_and_kept(
    api: TestClient, token: str, body: bytes
) -> None:
    response = post_batch(api, token, body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_body"
    with api.app.state.database.cursor() as cur:
        kept = cur.execute("SELECT payload, reason FROM quarantine").fetchall()
    assert [bytes(payload) for payload, _ in kept] == [body]
    assert kept[0][1]
    assert count(api, "SELECT count(*) FROM events") == 0


def test_bad_events_inside_a_good_array_are_quarantined_alone(api: TestClient, token: str) -> None:
    good = event()
    body = batch(good, 7, {"timestamp": 1}, {"event": "open"}, event(timestamp="soon"))
    response = post_batch(api, token, body)
    assert response.status_code == 200
    assert response.json() == {"received": 5, "stored": 1, "duplicates": 0, "quarantined": 4}
    with api.app.state.database.cursor() as cur:
        positions = cur.execute("SELECT position FROM quarantine ORDER BY position").fetchall()
    assert positions == [(1,), (2,), (3,), (4,)]


def test_a_body_over_the_limit_is_413_and_not_stored(tmp_path, signing_key) -> None:
    settings = Settings(db=tmp_path / "m.duckdb", _env_file=None)
    with client_for(settings) as api:
        token = get_token(api, create_client(api))
        nine_mb = b"[" + b'"x",' * (9 * 1024 * 1024 // 4) + b'"x"]'
        response = post_batch(api, token, nine_mb)
        assert response.status_code == 413
        assert count(api, "SELECT count(*) FROM raw_batches") == 0


def test_a_missing_or_foreign_content_type_is_415(api: TestClient, token: str) -> None:
    for content_type in ("", "text/plain"):
        response = api.post(
            "/webhooks/sendgrid",
            content=b"[]",
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        )
        assert response.status_code == 415


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Token abc", "Bearer not-a-token"],
    ids=["missing", "empty", "other-scheme", "unknown"],
)
def test_a_missing_or_bad_bearer_is_401_with_a_challenge(
    api: TestClient, authorization: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    response = api.post("/webhooks/sendgrid", content=batch(event()), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert count(api, "SELECT count(*) FROM raw_batches") == 0


def test_an_expired_token_is_401(tmp_path) -> None:
    settings = Settings(db=tmp_path / "m.duckdb", token_ttl_seconds=1, _env_file=None)
    with client_for(settings) as api:
        token = get_token(api, create_client(api))
        assert post_batch(api, token, b"[]").status_code == 200
        time.sleep(1.2)
        assert post_batch(api, token, b"[]").status_code == 401


def test_a_revoked_clients_token_dies_at_once(api: TestClient) -> None:
    new = create_client(api)
    token = get_token(api, new)
    assert post_batch(api, token, b"[]").status_code == 200
    clients.revoke(api.app.state.database, new.name)
    assert post_batch(api, token, b"[]").status_code == 401


def test_a_token_without_the_sendgrid_role_is_403(api: TestClient) -> None:
    token = get_token(api, create_client(api, "reporting", ["reader"]))
    response = post_batch(api, token, batch(event()))
    assert response.status_code == 403
    assert count(api, "SELECT count(*) FROM events") == 0


def signed_settings(tmp_path, key: Signer, **overrides) -> Settings:
    return Settings(
        db=tmp_path / "m.duckdb", sendgrid_public_keys=key.public_key, _env_file=None, **overrides
    )


def test_a_signed_batch_is_stored(tmp_path, signing_key: Signer) -> None:
    with client_for(signed_settings(tmp_path, signing_key)) as api:
        token = get_token(api, create_client(api))
        body = fixture_bytes("sample_batch_survey_synthetic.json")
        response = post_batch(api, token, body, **signing_key.headers(body))
        assert response.status_code == 200
        assert response.json()["stored"] == 20


@pytest.mark.parametrize("fault", ["tampered-body", "tampered-timestamp", "missing", "stale"])
def test_a_bad_signature_is_403_and_nothing_is_stored(
    tmp_path, signing_key: Signer, fault: str
) -> None:
    body = batch(event())
    headers = signing_key.headers(body)
    stamp = "X-Twilio-Email-Event-Webhook-Timestamp"
    if fault == "tampered-body":
        body = body.replace(b"delivered", b"open")
    elif fault == "tampered-timestamp":
        headers[stamp] = str(int(headers[stamp]) + 1)
    elif fault == "missing":
        headers = {}
    else:
        headers = signing_key.headers(body, timestamp=int(time.time()) - 90_001)
    with client_for(signed_settings(tmp_path, signing_key)) as api:
        token = get_token(api, create_client(api))
        response = post_batch(api, token, body, **headers)
        assert response.status_code == 403
        assert response.json()["error"] == "invalid_signature"
        assert count(api, "SELECT count(*) FROM raw_batches") == 0


def test_a_batch_signed_by_an_unknown_key_is_403(tmp_path, signing_key: Signer) -> None:
    stranger = Signer()
    with client_for(signed_settings(tmp_path, signing_key)) as api:
        token = get_token(api, create_client(api))
        body = batch(event())
        assert post_batch(api, token, body, **stranger.headers(body)).status_code == 403


def test_signature_alone_suffices_when_oauth_is_off(tmp_path, signing_key: Signer) -> None:
    settings = signed_settings(tmp_path, signing_key, require_oauth=False)
    with client_for(settings) as api:
        body = batch(event())
        headers = {"Content-Type": "application/json", **signing_key.headers(body)}
        response = api.post("/webhooks/sendgrid", content=body, headers=headers)
        assert response.status_code == 200


def test_the_official_vector_is_accepted_over_http(tmp_path) -> None:
    vector = json.loads(fixture_bytes("signed_webhook_vectors.json"))["vectors"][0]
    settings = Settings(
        db=tmp_path / "m.duckdb",
        sendgrid_public_keys=vector["public_key"],
        signature_max_age_seconds=10**10,
        _env_file=None,
    )
    with client_for(settings) as api:
        token = get_token(api, create_client(api))
        body = vector["payload"].encode()
        response = post_batch(
            api,
            token,
            body,
            **{
                "X-Twilio-Email-Event-Webhook-Signature": vector["signature_header"],
                "X-Twilio-Email-Event-Webhook-Timestamp": vector["timestamp_header"],
            },
        )
        assert response.status_code == 200
        assert response.json()["stored"] == 1


def test_a_client_that_leaves_mid_body_gets_400_and_stores_nothing(api: TestClient, token: str):
    scope = {
        "type": "http", "method": "POST", "path": "/webhooks/sendgrid", "root_path": "",
        "query_string": b"", "http_version": "1.1", "scheme": "http", "server": ("t", 80),
        "headers": [(b"authorization", f"Bearer {token}".encode()),
                    (b"content-type", b"application/json")],
    }  # fmt: skip
    arrivals = iter([{"type": "http.request", "body": b'[{"event":', "more_body": True},
                     {"type": "http.disconnect"}])  # fmt: skip
    sent = []

    async def receive() -> dict:
        return next(arrivals)

    async def send(message: dict) -> None:
        sent.append(message)

    api.portal.call(api.app, scope, receive, send)  # on the loop the app runs on
    assert sent[0]["status"] == 400
    assert count(api, "SELECT count(*) FROM raw_batches") == 0


@pytest.mark.parametrize("stamp", ["²".encode("latin-1"), b"9" * 5000])
def test_a_timestamp_of_odd_digits_is_the_same_403_and_counted(
    tmp_path, signing_key: Signer, stamp: bytes
) -> None:
    body = batch(event())
    headers = {**signing_key.headers(body), "X-Twilio-Email-Event-Webhook-Timestamp": stamp}
    with client_for(signed_settings(tmp_path, signing_key)) as api:
        token = get_token(api, create_client(api))
        response = post_batch(api, token, body, **headers)
        assert response.status_code == 403
        assert response.json()["error"] == "invalid_signature"
        metrics = api.get("/metrics").text
        assert 'mailpulse_auth_failures_total{reason="malformed_timestamp"} 1' in metrics
