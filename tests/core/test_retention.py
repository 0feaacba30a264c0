"""Purge keeps a campaign's aggregates; forget erases one person from every table, the raw
archive included, and `reprocess` brings nothing back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from core import funnel, retention, roster
from core.database import Database, close_shared, shared
from core.settings import Settings, install_settings
from mailpulse.commands.archive import reprocess
from mailpulse.server import DASHBOARD
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_many
from tests.factories import batch, event

FIELDS = ("campaign", "employee_id")
ROSTER = "employee_id,email,department\n" + "\n".join(
    f"E{n:03},p{n:03}@corp.example,{'Sales' if n < 6 else 'IT'}" for n in range(8)
)
ERASED_ID, ERASED_EMAIL = "E003", "p003@corp.example"


def load(db: Database) -> None:
    roster.import_roster(db, ROSTER)
    events = [event(email=f"p{n:03}@corp.example", employee_id=f"E{n:03}", campaign="c1")
              for n in range(8)]  # fmt: skip
    events += [event(event="open", email=ERASED_EMAIL, campaign="c1"),  # found by email only
               event(email=ERASED_EMAIL, campaign="c2"), {"email": ERASED_EMAIL}]  # fmt: skip
    delivery = Delivery(batch(*events), "test", datetime.now(UTC))
    db.write(lambda con: store_many(con, [(delivery, parse(delivery, Fields()))]))
    db.write(mail_and_completion)


def mail_and_completion(con) -> None:
    """The erased person's invitation, and a survey tool's post of their completion."""
    con.execute(
        "INSERT INTO sends VALUES ('s1', 1, 0, 'c1', $id, 'accepted', now(), now(), 'x1', NULL)",
        {"id": ERASED_ID},
    )
    body = f'{{"data": {{"employee_id": "{ERASED_ID}", "email": "{ERASED_EMAIL}"}}}}'
    con.execute(
        "INSERT INTO completion_posts VALUES (1, 'survey', 'standard', now(), 'msg_1', $body)",
        {"body": body.encode()},
    )
    con.execute(
        "INSERT INTO completion_receipts "
        "VALUES ('survey', 'msg_1', 1, now(), 'c1', $id, now(), NULL)",
        {"id": ERASED_ID},
    )


def mentions(db: Database, *needles: str) -> list[str]:
    """Every text and blob column of every table holding any needle: table.column. An email is
    matched in any case; an id as written (hashes are lowercase hex and may hold "e003")."""
    with db.cursor() as cur:
        columns = cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type IN ('VARCHAR', 'BLOB', 'JSON') OR data_type LIKE 'VARCHAR[]%'"
        ).fetchall()
        found = []
        for table, column in columns:
            for needle in needles:
                like = "ILIKE" if "@" in needle else "LIKE"
                text = f'CAST("{column}" AS VARCHAR)'
                query = f'SELECT count(*) FROM "{table}" WHERE {text} {like} $n'
                if cur.execute(query, {"n": f"%{needle}%"}).fetchone()[0]:
                    found.append(f"{table}.{column}")
    return sorted(set(found))


def test_forget_erases_a_person_from_every_table_and_reprocess_brings_nothing_back(
    db: Database, settings: Settings
) -> None:
    load(db)
    before = mentions(db, ERASED_ID, ERASED_EMAIL)
    assert {"raw_batches.body", "sends.employee_id", "completion_posts.body"} <= set(before)
    retention.forget(db, ERASED_ID, None, FIELDS, "cli:test")
    assert mentions(db, ERASED_ID, ERASED_EMAIL) == []
    reprocess(db, settings)
    assert mentions(db, ERASED_ID, ERASED_EMAIL) == []
    people = funnel.funnel(db, "c1", 60)
    assert len(people) == 7 and ERASED_ID not in set(people["employee_id"])
    with db.cursor() as cur:
        assert cur.execute(
            "SELECT count(*) FROM raw_batches WHERE redacted_at IS NOT NULL"
        ).fetchone() == (1,)
        (detail,) = cur.execute("SELECT detail FROM audit WHERE action = 'forget'").fetchone()
    assert detail == "one person erased"


def test_forget_by_email_finds_the_employee_id_too(db: Database) -> None:
    load(db)
    retention.forget(db, None, ERASED_EMAIL.upper(), FIELDS, "cli:test")
    assert mentions(db, ERASED_ID, ERASED_EMAIL) == []


def test_purge_keeps_the_aggregates_and_reprocess_brings_no_person_back(
    db: Database, settings: Settings
) -> None:
    load(db)
    before = funnel.stage_counts(funnel.funnel(db, "c1", 60))
    assert retention.purge(db, "c1", FIELDS, 60, "cli:test")["people"] == 8
    reprocess(db, settings)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM events WHERE campaign = 'c1'").fetchone() == (0,)
        kept = dict(
            cur.execute("SELECT stage, sum(people) FROM campaign_aggregates GROUP BY 1").fetchall()
        )
        departments = {
            d
            for (d,) in cur.execute(
                "SELECT DISTINCT department FROM campaign_aggregates"
            ).fetchall()
        }
    assert kept == {stage: n for stage, n in before.items() if n}
    assert departments == {"Sales", "other"}  # IT has 2 people: folded
    assert "c1" in set(funnel.campaigns(db)["campaign"])


def test_after_a_purge_the_overview_still_renders_its_funnel(settings: Settings) -> None:
    install_settings(settings)
    try:
        db = shared(settings.db)
        load(db)
        retention.purge(db, "c1", FIELDS, 60, "cli:test")
        retention.purge(db, "c2", FIELDS, 60, "cli:test")
        app = AppTest.from_file(str(DASHBOARD), default_timeout=30).run()
        assert not app.exception
        values = {m.label: m.value for m in app.metric}
        assert values["Delivered"] in ("8", "1")
    finally:
        close_shared(settings.db)


def test_purge_or_forget_of_nobody_is_one_sentence(db: Database) -> None:
    load(db)
    with pytest.raises(Exception, match="There is no campaign"):
        retention.purge(db, "nope", FIELDS, 60, "cli:test")
    with pytest.raises(Exception, match="knows nobody"):
        retention.forget(db, "E999", None, FIELDS, "cli:test")
