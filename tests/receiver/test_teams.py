import base64
import hashlib
import hmac
import json
import re

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from core import steps
from core.database import Database
from core.settings import Settings
from mailpulse.commands.reports import funnel_report
from receiver import hmacs
from tests.conftest import client_for
from tests.funnel_events import CAMPAIGN, ingest, sg
from tests.receiver.completion_posts import setup_roster

TOKEN = (
    "c2VjcmV0LXRlYW1zLXRva2VuLTMyYnl0ZXMhISEhISE="  # base64 of b"secret-teams-token-32bytes!!!!!!"
)
HELP_BODY = b'{"type":"message","text":"<at>mailpulse</at> help"}'
# Computed apart from mailpulse: printf BODY | openssl dgst -sha256 -hmac KEY -binary | base64
HELP_HMAC = "IDG415F9BJHRB3fE+7CKgmxIX5yoXmJIG/DVjk47eAo="


@pytest.fixture
def teams(settings: Settings):
    with client_for(
        settings.model_copy(update={"teams_outgoing_token": SecretStr(TOKEN)})
    ) as client:
        yield client


def ask(client: TestClient, text: str):
    body = json.dumps({"type": "message", "text": f"<at>mailpulse</at>&nbsp;{text}"}).encode()
    mac = hmac.new(base64.b64decode(TOKEN), body, hashlib.sha256).digest()
    headers = {"Authorization": f"HMAC {base64.b64encode(mac).decode()}"}
    return client.post("/webhooks/teams", content=body, headers=headers)


def test_the_documented_hmac_vector_verifies_and_gets_the_help(teams: TestClient) -> None:
    hmacs.verify_teams(TOKEN, f"HMAC {HELP_HMAC}", HELP_BODY)
    headers = {"Authorization": f"HMAC {HELP_HMAC}"}
    response = teams.post("/webhooks/teams", content=HELP_BODY, headers=headers)
    assert response.status_code == 200
    assert response.json()["type"] == "message"
    assert "status [CAMPAIGN]" in response.json()["text"]


def test_a_wrong_or_missing_hmac_is_refused(teams: TestClient) -> None:
    wrong = {"Authorization": f"HMAC {HELP_HMAC[:-2]}A="}
    assert teams.post("/webhooks/teams", content=HELP_BODY, headers=wrong).status_code == 401
    assert teams.post("/webhooks/teams", content=HELP_BODY).status_code == 401
    assert 'reason="teams_bad_signature"' in teams.get("/metrics").text


def test_the_endpoint_is_off_without_a_token(api: TestClient) -> None:
    headers = {"Authorization": f"HMAC {HELP_HMAC}"}
    assert api.post("/webhooks/teams", content=HELP_BODY, headers=headers).status_code == 404


def campaign_events(db: Database) -> None:
    setup_roster(db)  # E1..E6 in Sales, E7, E8 in Legal
    events = [sg("delivered", n, f"E{n}") for n in range(1, 9)]
    events += [sg("open", 100 + n, f"E{n}") for n in (1, 2, 3, 7)]
    events += [sg("click", 200 + n, f"E{n}") for n in (1, 2)]
    ingest(db, *events)


def numbers(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"(?<![\w%])(\d[\d,]*)(?![\d%])", text)]


def test_status_counts_equal_the_funnel_report(teams: TestClient, settings: Settings) -> None:
    db: Database = teams.app.state.database
    campaign_events(db)
    text = ask(teams, f"status {CAMPAIGN}").json()["text"]
    counted = steps.from_stages(funnel_report(db, settings, CAMPAIGN)["stages"])
    expected = [counted.invited, *(counted.reached[s] for s in steps.STEPS)]
    assert numbers(text.split("\n\n", 1)[1]) == expected == [8, 8, 4, 2, 0]
    assert "50% of delivered" in text  # opened 4 of 8


def test_a_department_is_answered_in_rates_and_a_small_one_is_refused(teams: TestClient) -> None:
    campaign_events(teams.app.state.database)
    sales = ask(teams, "team sales").json()["text"]
    assert "Opened: 50%" in sales and "Completed: 0%" in sales
    assert ask(teams, f"team Sales {CAMPAIGN}").json()["text"] == sales
    legal = ask(teams, "team Legal").json()["text"]
    assert "fewer than 5 people" in legal
    assert "%" not in legal and not re.search(r"\d+ (delivered|opened)", legal.lower())


def test_an_unknown_campaign_is_said_in_a_sentence(teams: TestClient) -> None:
    text = ask(teams, "status nope").json()["text"]
    assert "There is no campaign 'nope'" in text


def test_a_department_name_may_hold_spaces(teams: TestClient) -> None:
    db: Database = teams.app.state.database
    campaign_events(db)
    db.write(lambda con: con.execute("UPDATE roster SET department = 'Field Sales'"))
    text = ask(teams, f"team field sales {CAMPAIGN}").json()["text"]
    assert text.startswith("**Field Sales** in survey-2026") and "Opened: 50%" in text
