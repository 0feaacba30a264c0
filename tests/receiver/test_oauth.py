"""The live-token index against revocation, whatever the interleaving with a token being issued."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from core import clients
from core.database import Database
from receiver.oauth import Tokens
from tests.conftest import count, create_client


def test_a_client_revoked_between_login_and_issue_gets_no_token(db: Database) -> None:
    tokens = Tokens(db, 3600)
    new = db.write(lambda con: clients.create_client(con, "sendgrid", ["sendgrid"]))
    roles = tokens.login(new.client_id, new.client_secret)
    assert roles == ("sendgrid",)
    clients.revoke(db, "sendgrid")
    assert tokens.issue(new.client_id, roles) is None
    assert count(db, "SELECT count(*) FROM oauth_tokens") == 0


def test_a_token_committed_just_before_a_revoke_is_not_indexed_after_it(db: Database) -> None:
    tokens = Tokens(db, 3600)
    new = db.write(lambda con: clients.create_client(con, "sendgrid", ["sendgrid"]))
    issued: list[str | None] = []
    with tokens._lock:  # the issuing thread commits its token, then waits here to index it
        issuer = threading.Thread(target=lambda: issued.append(tokens.issue(new.client_id, ())))
        issuer.start()
        while count(db, "SELECT count(*) FROM oauth_tokens") == 0:
            time.sleep(0.005)
        clients.revoke(db, "sendgrid")
    issuer.join(10)
    assert issued[0] is not None
    assert tokens.principal(issued[0]) is None


def test_a_token_issued_beside_another_clients_revoke_still_works(db: Database) -> None:
    tokens = Tokens(db, 3600)
    keep = db.write(lambda con: clients.create_client(con, "keep", ["sendgrid"]))
    db.write(lambda con: clients.create_client(con, "gone", ["sendgrid"]))
    issued: list[str | None] = []
    with tokens._lock:
        issuer = threading.Thread(target=lambda: issued.append(tokens.issue(keep.client_id, ())))
        issuer.start()
        while count(db, "SELECT count(*) FROM oauth_tokens") == 0:
            time.sleep(0.005)
        clients.revoke(db, "gone")
    issuer.join(10)
    assert issued[0] is not None and tokens.principal(issued[0]) is not None


def test_no_token_fetched_while_a_hammering_client_is_revoked_survives(api: TestClient) -> None:
    new = create_client(api)
    tokens: Tokens = api.app.state.tokens
    stop = threading.Event()

    def hammer() -> list[str]:
        got = []
        while not stop.is_set():
            response = api.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(new.client_id, new.client_secret),
            )
            if response.status_code == 200:
                got.append(response.json()["access_token"])
        return got

    with ThreadPoolExecutor(4) as pool:
        hammering = [pool.submit(hammer) for _ in range(4)]
        time.sleep(0.3)
        clients.revoke(api.app.state.database, "sendgrid")
        time.sleep(0.1)
        stop.set()
        fetched = [token for future in hammering for token in future.result()]
    assert fetched, "the hammering client never got a token: the test proves nothing"
    assert [t for t in fetched if tokens.principal(t) is not None] == []
