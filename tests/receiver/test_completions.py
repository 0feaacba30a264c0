import json
import time

import pytest
from fastapi.testclient import TestClient

from core import funnel, sources
from core.database import Database
from receiver import hmacs
from tests.conftest import count
from tests.receiver.completion_posts import (
    fixture,
    hmac_b64,
    new_source,
    setup_roster,
    standard_post,
    standard_signature,
    token_of,
)

CAMPAIGN = "survey-2026"


@pytest.fixture
def db_api(api: TestClient) -> Database:
    database: Database = api.app.state.database
    setup_roster(database)
    return database


@pytest.fixture
def secret(db_api: Database) -> str:
    return new_source(db_api, "survey", "standard", campaign=CAMPAIGN)


def stage_of(db: Database, employee_id: str) -> str:
    frame = funnel.funnel(db, CAMPAIGN, 60)
    return frame.set_index("employee_id").loc[employee_id, "stage"]


def test_a_signed_standard_post_completes_the_employee_and_moves_the_funnel(
    api: TestClient, db_api: Database, secret: str
) -> None:
    response = standard_post(api, secret, {"token": token_of(db_api, CAMPAIGN, "E3")})
    assert response.status_code == 200, response.text
    assert response.json() == {"completed": 1, "duplicates": 0, "quarantined": 0}
    assert stage_of(db_api, "E3") == "completed"


def test_a_repeated_post_is_stored_once(api: TestClient, db_api: Database, secret: str) -> None:
    answers = [standard_post(api, secret, {"employee_id": "E2"}, msg_id="msg_1") for _ in range(3)]
    assert [a.json()["completed"] for a in answers] == [1, 0, 0]
    assert [a.json()["duplicates"] for a in answers] == [0, 1, 1]
    assert count(db_api, "SELECT count(*) FROM completions") == 1
    assert count(db_api, "SELECT count(*) FROM completion_posts") == 3


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "missing", "stale", "future", "other_source_secret"],
)
def test_a_post_without_a_good_signature_is_refused_and_stores_nothing(
    api: TestClient, db_api: Database, secret: str, tamper: str
) -> None:
    other = new_source(db_api, "other", "standard")
    if tamper == "missing":
        response = api.post("/webhooks/completions/survey", json={"data": {"employee_id": "E1"}})
    else:
        key = {"wrong_secret": "whsec_" + "A" * 32, "other_source_secret": other}.get(
            tamper, secret
        )
        # 302: the signed timestamp is whole seconds, so +301 may truncate to +300.x
        at = {"stale": time.time() - 301, "future": time.time() + 302}.get(tamper)
        response = standard_post(api, key, {"employee_id": "E1"}, at=at)
    assert response.status_code == 401
    assert count(db_api, "SELECT count(*) FROM completion_posts") == 0
    assert count(db_api, "SELECT count(*) FROM completions") == 0
    assert 'mailpulse_auth_failures_total{reason="completions_' in api.get("/metrics").text


def test_one_valid_signature_among_several_is_enough_for_rotation(
    api: TestClient, db_api: Database, secret: str
) -> None:
    body, stamp = b'{"data": {"employee_id": "E4"}}', str(int(time.time()))
    good = standard_signature(secret, "msg_r", stamp, body)
    headers = {"webhook-id": "msg_r", "webhook-timestamp": stamp,
               "webhook-signature": f"v1,{'A' * 43}= v1,{good}"}  # fmt: skip
    response = api.post("/webhooks/completions/survey", content=body, headers=headers)
    assert response.status_code == 200, response.text


def test_an_unknown_respondent_is_answered_200_and_quarantined(
    api: TestClient, db_api: Database, secret: str
) -> None:
    response = standard_post(api, secret, {"email": "stranger@elsewhere.example"})
    assert response.json() == {"completed": 0, "duplicates": 0, "quarantined": 1}
    assert count(db_api, "SELECT count(*) FROM completions") == 0
    reason = count(db_api, "SELECT reason FROM completion_receipts")
    assert "nobody on the roster matches its email" in reason


def test_a_body_that_is_not_json_gets_400_and_is_quarantined(
    api: TestClient, db_api: Database, secret: str
) -> None:
    response = standard_post(api, secret, None, raw="not json")
    assert response.status_code == 400
    assert count(db_api, "SELECT count(*) FROM completion_receipts WHERE employee_id IS NULL") == 1
    assert count(db_api, "SELECT count(*) FROM completion_posts") == 1


def test_an_unknown_or_removed_source_gets_404(
    api: TestClient, db_api: Database, secret: str
) -> None:
    assert standard_post(api, secret, {"employee_id": "E1"}, source="nope").status_code == 404
    sources.remove(db_api, "survey")
    assert standard_post(api, secret, {"employee_id": "E1"}).status_code == 404


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    api: TestClient, db_api: Database, secret: str
) -> None:
    limit = api.app.state.settings.max_body_bytes
    response = api.post("/webhooks/completions/survey", content=b"x" * (limit + 1))
    assert response.status_code == 413
    assert count(db_api, "SELECT count(*) FROM completion_posts") == 0


def test_a_typeform_post_signed_as_typeform_documents_completes_its_hidden_token(
    api: TestClient, db_api: Database
) -> None:
    new_source(db_api, "typeform", "typeform", secret="tf-secret", campaign=CAMPAIGN)
    body = fixture("typeform_form_response.json", token_of(db_api, CAMPAIGN, "E5"))
    headers = {"Typeform-Signature": f"sha256={hmac_b64('tf-secret', body)}"}
    response = api.post("/webhooks/completions/typeform", content=body, headers=headers)
    assert response.json() == {"completed": 1, "duplicates": 0, "quarantined": 0}
    at = count(db_api, "SELECT strftime(completed_at, '%Y-%m-%dT%H:%M:%S') FROM completions")
    assert at == "2026-11-20T09:18:04"
    wrong = {"Typeform-Signature": f"sha256={hmac_b64('other', body)}"}
    assert (
        api.post("/webhooks/completions/typeform", content=body, headers=wrong).status_code == 401
    )


def test_a_tally_post_signed_as_tally_documents_completes_its_hidden_field(
    api: TestClient, db_api: Database
) -> None:
    new_source(db_api, "tally", "tally", secret="tally-secret", campaign=CAMPAIGN)
    body = fixture("tally_form_response.json", token_of(db_api, CAMPAIGN, "E6"))
    headers = {"Tally-Signature": hmac_b64("tally-secret", body)}
    first = api.post("/webhooks/completions/tally", content=body, headers=headers)
    again = api.post("/webhooks/completions/tally", content=body, headers=headers)
    assert first.json()["completed"] == 1 and again.json()["duplicates"] == 1
    assert stage_of(db_api, "E6") == "completed"


def test_the_token_names_the_campaign_before_the_body_and_the_source(
    api: TestClient, db_api: Database, secret: str
) -> None:
    standard_post(api, secret, {"token": token_of(db_api, CAMPAIGN, "E1"), "campaign": "other"})
    campaign = count(db_api, "SELECT campaign FROM completions")
    assert campaign == CAMPAIGN


def test_stored_secrets_are_encrypted_at_rest(db_api: Database, secret: str) -> None:
    stored = count(db_api, "SELECT secret FROM completion_sources WHERE name = 'survey'")
    assert secret.encode() not in bytes(stored)


def test_the_verifiers_reject_a_flipped_byte() -> None:
    body = b'{"a": 1}'
    hmacs.verify_tally("s", hmac_b64("s", body), body)
    with pytest.raises(hmacs.HmacError):
        hmacs.verify_tally("s", hmac_b64("s", body), body + b" ")
    assert json.loads(body) == {"a": 1}


def test_reprocess_rebuilds_completions_from_the_archived_posts(
    api: TestClient, db_api: Database, secret: str
) -> None:
    from mailpulse.commands.archive import reprocess

    standard_post(api, secret, {"employee_id": "E7"})
    standard_post(api, secret, {"email": "nobody@corp.example"})
    db_api.write(lambda con: con.execute("DELETE FROM completions"))
    totals = reprocess(db_api, api.app.state.settings)
    assert totals["completions"] == 1
    assert count(db_api, "SELECT employee_id FROM completions") == "E7"
    assert count(db_api, "SELECT count(*) FROM completion_receipts") == 2
