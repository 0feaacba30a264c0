from datetime import UTC, datetime

import pytest

from core.completions import CompletionsImport, import_completions
from core.csvfile import CsvRejected
from tests.funnel_events import CAMPAIGN, employees

NOW = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def staff(db) -> None:
    employees(db, "E1,anna@corp.example,,", "E2,ben@corp.example,,", "E3,chen@corp.example,,")


def recorded(db) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(
            "SELECT campaign, employee_id, completed_at FROM completions ORDER BY employee_id"
        ).fetchall()


def test_completions_are_recorded_by_employee_id_or_by_email(db) -> None:
    text = (
        "employee_id,email,completed_at\n"
        "E1,,2026-01-10T08:00:00Z\n"
        ", Ben@Corp.Example ,2026-01-11T09:30:00+01:00\n"
        "E3,,\n"
    )
    result = import_completions(db, CAMPAIGN, text, now=NOW)
    assert result == CompletionsImport(CAMPAIGN, recorded=3, new=3)
    assert recorded(db) == [
        (CAMPAIGN, "E1", datetime(2026, 1, 10, 8, 0, tzinfo=UTC)),
        (CAMPAIGN, "E2", datetime(2026, 1, 11, 8, 30, tzinfo=UTC)),
        (CAMPAIGN, "E3", NOW),
    ]


def test_a_time_without_zone_is_utc_and_the_earliest_completion_wins(db) -> None:
    import_completions(db, CAMPAIGN, "email,completed_at\nanna@corp.example,2026-01-10 12:00\n")
    result = import_completions(
        db, CAMPAIGN, "employee_id,completed_at\nE1,2026-01-09\nE1,2026-01-12\n"
    )
    assert result == CompletionsImport(CAMPAIGN, recorded=1, new=0)
    assert recorded(db) == [(CAMPAIGN, "E1", datetime(2026, 1, 9, tzinfo=UTC))]


def test_unknown_employees_and_bad_times_are_named_and_nothing_is_recorded(db) -> None:
    text = (
        "employee_id,email,completed_at\n"
        "E1,,2026-01-10T08:00:00Z\n"
        "E9,,\n"
        ",stranger@else.example,\n"
        "E2,,yesterday\n"
        ",,2026-01-10\n"
    )
    with pytest.raises(CsvRejected) as rejected:
        import_completions(db, CAMPAIGN, text)
    assert str(rejected.value) == (
        "Nothing was imported: 4 lines are wrong in the completions file: "
        "line 3: employee_id E9 is not on the roster; "
        "line 4: the email stranger@else.example is not on the roster; "
        "line 5: completed_at 'yesterday' is not an ISO 8601 time; "
        "line 6: the employee_id and the email are both missing."
    )
    assert recorded(db) == []


def test_a_file_without_employee_id_or_email_is_refused(db) -> None:
    with pytest.raises(CsvRejected, match="needs an employee_id or an email column; it has: name"):
        import_completions(db, CAMPAIGN, "name,completed_at\nAnna,\n")
