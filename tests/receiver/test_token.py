import base64
import time

import pytest
from fastapi.testclient import TestClient

from core import clients
from core.settings import Settings
from tests.conftest import client_for, create_client, get_token, post_batch


def test_basic_credentials_get_a_bearer_token(api: TestClient) -> None:
    new = create_client(api)
    response = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(new.client_id, new.client_secret),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert len(body["access_token"]) >= 40
    assert response.headers["cache-control"] == "no-store"


def test_form_body_credentials_get_a_token(api: TestClient) -> None:
    new = create_client(api)
    form = {
        "grant_type": "client_credentials",
        "client_id": new.client_id,
        "client_secret": new.client_secret,
    }
    assert api.post("/oauth/token", data=form).status_code == 200


def test_json_body_credentials_get_a_token(api: TestClient) -> None:
    new = create_client(api)
    body = {
        "grant_type": "client_credentials",
        "client_id": new.client_id,
        "client_secret": new.client_secret,
        "scope": "sendgrid",
    }
    assert api.post("/oauth/token", json=body).status_code == 200


def test_a_wrong_secret_is_invalid_client_with_basic_challenge(api: TestClient) -> None:
    new = create_client(api)
    response = api.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(new.client_id, "wrong")
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")
    assert new.client_secret not in response.text


def test_an_unknown_client_is_invalid_client(api: TestClient) -> None:
    response = api.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("nobody", "secret")
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_missing_credentials_are_invalid_client(api: TestClient) -> None:
    response = api.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_another_grant_type_is_unsupported(api: TestClient) -> None:
    new = create_client(api)
    response = api.post(
        "/oauth/token", data={"grant_type": "password"}, auth=(new.client_id, new.client_secret)
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_a_missing_grant_type_is_an_invalid_request(api: TestClient) -> None:
    new = create_client(api)
    response = api.post("/oauth/token", data={}, auth=(new.client_id, new.client_secret))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_basic_and_body_credentials_together_are_an_invalid_request(api: TestClient) -> None:
    new = create_client(api)
    form = {"grant_type": "client_credentials", "client_id": new.client_id}
    response = api.post("/oauth/token", data=form, auth=(new.client_id, new.client_secret))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_scope_the_client_lacks_is_invalid_scope(api: TestClient) -> None:
    new = create_client(api)
    response = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "admin"},
        auth=(new.client_id, new.client_secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_basic_credentials_that_are_not_base64_are_an_invalid_request(api: TestClient) -> None:
    response = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic %%%"},
    )
    assert response.status_code == 400


def test_a_url_encoded_basic_secret_is_decoded(api: TestClient) -> None:
    new = create_client(api)
    encoded = base64.b64encode(f"{new.client_id}:{new.client_secret}".encode()).decode()
    response = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"basic {encoded}"},
    )
    assert response.status_code == 200


def test_secrets_and_tokens_are_stored_only_as_hashes(api: TestClient) -> None:
    new = create_client(api)
    token = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(new.client_id, new.client_secret),
    ).json()["access_token"]
    raw = api.app.state.database.path.read_bytes()
    wal = api.app.state.database.path.with_suffix(".duckdb.wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert new.client_secret.encode() not in raw
    assert token.encode() not in raw


def test_a_token_outlives_a_restart_of_the_receiver(settings: Settings) -> None:
    with client_for(settings) as api:
        token = get_token(api, create_client(api))
    with client_for(settings) as restarted:
        assert post_batch(restarted, token, b"[]").status_code == 200


def test_revoking_one_client_leaves_the_tokens_of_others_working(api: TestClient) -> None:
    first = get_token(api, create_client(api, "first"))
    second = get_token(api, create_client(api, "second"))
    clients.revoke(api.app.state.database, "first")
    assert post_batch(api, first, b"[]").status_code == 401
    assert post_batch(api, second, b"[]").status_code == 200


def test_a_repeated_grant_type_is_an_invalid_request(api: TestClient) -> None:
    new = create_client(api)
    response = api.post(
        "/oauth/token",
        content=b"grant_type=client_credentials&grant_type=client_credentials",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=(new.client_id, new.client_secret),
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Send each parameter once; repeated: grant_type.",
    }


def test_another_method_is_405_in_rfc_6749_shape(api: TestClient) -> None:
    response = api.get("/oauth/token")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"] == "invalid_request"


def test_an_oversized_field_is_413_in_rfc_6749_shape(api: TestClient) -> None:
    new = create_client(api)
    form = {"grant_type": "client_credentials", "client_id": new.client_id, "scope": "x" * 5000}
    response = api.post("/oauth/token", data=form)
    assert response.status_code == 413
    assert set(response.json()) == {"error", "error_description"}
    assert response.json()["error"] == "invalid_request"


def test_failed_logins_slow_down_and_are_logged_but_a_right_secret_is_not_delayed(
    api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    new, free = create_client(api), api.app.state.login_backoff.free
    took = []
    for _ in range(free + 2):
        started = time.perf_counter()
        response = api.post("/oauth/token", data={"grant_type": "client_credentials"},
                            auth=(new.client_id, "wrong-secret"))  # fmt: skip
        took.append(time.perf_counter() - started)
        assert response.status_code == 401
    assert max(took[:free]) < 0.2 and took[free] >= 0.25 and took[free + 1] >= 0.5
    started = time.perf_counter()
    get_token(api, new)
    assert time.perf_counter() - started < 0.2
    lines = [r.getMessage() for r in caplog.records if r.name == "receiver.backoff"]
    assert len(lines) == free + 2
    assert new.client_id in lines[-1] and "testclient" in lines[-1]
    assert "wrong-secret" not in caplog.text
