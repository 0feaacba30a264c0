"""The dry run the CLI and the dashboard show: who would get it now, and one real message."""

from __future__ import annotations

from core import sends
from core.database import Database
from core.send_preview import preview
from core.settings import Settings
from tests.core.test_sending import define


def test_a_preview_counts_who_would_get_it_and_renders_the_first_ones_message(
    db: Database, settings: Settings
) -> None:
    define(db)
    found = preview(db, settings, "survey-2026", "not_sent")
    assert found["count"] == 1080 == len(sends.recipients(db, settings, "survey-2026", "not_sent"))
    assert [p["employee_id"] for p in found["first"]] == ["E0001", "E0002", "E0003", "E0004",
                                                          "E0005"]  # fmt: skip
    message = found["message"]
    assert message["to"] == "p1@corp.example" and message["subject"] == "Your say, Person"
    assert message["body"].startswith("Hello Person 1, https://survey.example/s?t=")
    assert "{token}" not in message["body"]


def test_a_preview_of_nobody_has_no_message(db: Database, settings: Settings) -> None:
    define(db)
    found = preview(db, settings, "survey-2026", "unopened")
    assert found == {"campaign": "survey-2026", "segment": "unopened", "count": 0, "first": [],
                     "message": None}  # fmt: skip
