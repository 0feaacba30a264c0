from fastapi.testclient import TestClient

from mailpulse.commands.archive import reprocess
from tests.conftest import count, fixture_bytes, post_batch
from tests.factories import batch, event

SNAPSHOT = (
    "SELECT event_key, batch_id, position, event, ts, received_at, email, campaign, employee_id,"
    " message_id, type, reason, machine_open, asm_group_id, payload::VARCHAR"
    " FROM events ORDER BY event_key"
)


def snapshot(api: TestClient) -> tuple[list, list]:
    with api.app.state.database.cursor() as cur:
        events = cur.execute(SNAPSHOT).fetchall()
        quarantine = cur.execute("SELECT * FROM quarantine ORDER BY batch_id, position").fetchall()
    return events, quarantine


def test_reprocess_rebuilds_the_same_rows_from_the_raw_archive(api: TestClient, token: str) -> None:
    names = ("sample_batch.json", "sample_batch_survey_synthetic.json", "events_open.json")
    answers = [post_batch(api, token, fixture_bytes(name)).json() for name in names]
    answers.append(post_batch(api, token, batch(event(), {"no": "event"})).json())
    assert post_batch(api, token, b"not json").status_code == 400
    before = snapshot(api)

    totals = reprocess(api.app.state.database, api.app.state.settings)

    assert snapshot(api) == before
    assert totals == {
        "batches": 5,
        "events": count(api, "SELECT count(*) FROM events"),
        "duplicates": sum(a["duplicates"] for a in answers),
        "quarantined": 2,
        "completions": 0,
    }
