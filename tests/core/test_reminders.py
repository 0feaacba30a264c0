import csv
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core import funnel
from core.reminders import reminders_csv, reminders_excel_csv, reminders_xlsx
from tests.funnel_events import employees, funnel_of, ingest, sg

HEADER = (
    b"employee_id,email,name,department,manager,stage,delivered_at,opened_at,clicked_at,"
    b"last_event_at,flags,reason,mails_sent,last_mailed_at\r\n"
)


def frame(*people: dict) -> pd.DataFrame:
    """Funnel rows as the SQL returns them; unspecified cells empty."""
    blank = {column: None for column in funnel.COLUMNS} | dict.fromkeys(funnel.FLAGS, False)
    blank["mails_sent"] = 0
    rows = [blank | {"stage": "delivered"} | person for person in people]
    table = pd.DataFrame(rows, columns=list(funnel.COLUMNS))
    for column in ("delivered_at", "opened_at", "clicked_at", "last_event_at"):
        table[column] = pd.to_datetime(table[column], utc=True)
    return table


def test_the_csv_has_exactly_the_specs_columns_and_no_location() -> None:
    people = frame({"employee_id": "E1", "location": "Zürich", "timezone": "Europe/Zurich"})
    assert reminders_csv(people).startswith(HEADER) and b"Zurich" not in reminders_csv(people)
    assert len(HEADER.split(b",")) == 14


def test_an_empty_segment_is_the_header_alone() -> None:
    assert reminders_csv(frame()) == HEADER


def test_rows_end_with_crlf_and_times_are_utc_seconds() -> None:
    data = reminders_csv(
        frame(
            {
                "employee_id": "E1",
                "email": "anna@corp.example",
                "name": "Anna Meier",
                "department": "Sales",
                "manager": "E9",
                "stage": "opened",
                "delivered_at": pd.Timestamp("2026-01-07 10:30:03.250", tz="UTC"),
                "opened_at": pd.Timestamp("2026-01-07 11:30:03", tz="Europe/Berlin"),
                "last_event_at": pd.Timestamp("2026-01-07 10:31:00", tz="UTC"),
            }
        )
    )
    assert data == HEADER + (
        b"E1,anna@corp.example,Anna Meier,Sales,E9,opened,2026-01-07T10:30:03Z,"
        b"2026-01-07T10:30:03Z,,2026-01-07T10:31:00Z,,,0,\r\n"
    )


def test_rows_are_sorted_by_employee_id_then_email_with_unknown_people_first() -> None:
    data = reminders_csv(
        frame(
            {"employee_id": "E2", "email": "b@x.example"},
            {"employee_id": None, "email": "z@x.example"},
            {"employee_id": "E10", "email": "a@x.example"},
            {"employee_id": None, "email": "c@x.example"},
        )
    )
    ids = [line.split(b",")[:2] for line in data.split(b"\r\n")[1:-1]]
    assert ids == [
        [b"", b"c@x.example"],
        [b"", b"z@x.example"],
        [b"E10", b"a@x.example"],
        [b"E2", b"b@x.example"],
    ]


def test_flags_are_joined_in_the_spec_order() -> None:
    data = reminders_csv(
        frame(
            {"employee_id": "E1", "bot_click": True, "opted_out": True, "machine_open": True},
            {"employee_id": "E2", "bot_click": True, "machine_open": True},
            {"employee_id": "E3"},
        )
    )
    flags = [line.split(b",")[10] for line in data.split(b"\r\n")[1:-1]]
    assert flags == [b"opted_out;machine_open;bot_click", b"machine_open;bot_click", b""]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_starts_like_a_formula_is_kept_as_text(start) -> None:
    data = reminders_csv(frame({"employee_id": "E1", "name": f"{start}SUM(A1:A9)"}))
    cell = data.decode().split("\r\n")[1].split(",")[2]
    assert cell in (f"'{start}SUM(A1:A9)", f'"\'{start}SUM(A1:A9)"')


def test_commas_quotes_and_newlines_are_quoted_and_utf8_is_kept() -> None:
    data = reminders_csv(frame({"employee_id": "E1", "name": 'Żaneta "Zee", Nowak\nHR'}))
    assert data.split(b"\r\n", 1)[1] == (
        'E1,,"Żaneta ""Zee"", Nowak\nHR",,,delivered,,,,,,,0,\r\n'.encode()
    )


def test_the_undelivered_segment_carries_the_bounce_reason(db) -> None:
    employees(db, "E1,e1@corp.example,Anna,Sales", "E2,e2@corp.example,Ben,Sales")
    ingest(db, sg("bounce", 0, reason="=cmd|' /C calc'!A0", type="bounce"))
    ingest(db, sg("dropped", 0, "E2", reason="Unsubscribed Address"))
    data = reminders_csv(funnel.segment(funnel_of(db), "undelivered"))
    assert data == HEADER + (
        b"E1,e1@corp.example,Anna,Sales,,bounced,,,,2026-01-01T00:00:00Z,,"
        b"'=cmd|' /C calc'!A0,0,\r\n"
    )


def test_each_segment_takes_its_stages_and_opted_out_people_only_their_own(db) -> None:
    employees(db, *(f"E{n},e{n}@corp.example,," for n in range(1, 9)))
    ingest(db, sg("delivered", 0), sg("click", 7200, ip="1.1.1.1"))
    ingest(db, sg("delivered", 0, "E2"), sg("open", 7200, "E2"), sg("deferred", 0, "E4"))
    ingest(db, sg("delivered", 0, "E3"), sg("bounce", 0, "E5", reason="550 no such user"))
    ingest(db, sg("dropped", 0, "E7", reason="Unsubscribed Address"))
    ingest(db, sg("delivered", 0, "E8"), sg("open", 7200, "E8"), sg("unsubscribe", 7300, "E8"))
    people = funnel_of(db)
    assert {name: set(funnel.segment(people, name)["employee_id"]) for name in funnel.SEGMENTS} == {
        "not_sent": {"E6"},
        "undelivered": {"E5"},
        "pending": {"E4"},
        "unopened": {"E3"},
        "unclicked": {"E2"},
        "incomplete": {"E1"},
        "opted_out": {"E7", "E8"},
    }


def test_an_unknown_segment_names_the_segments() -> None:
    with pytest.raises(funnel.UnknownSegment, match="the segments are: not_sent, undelivered"):
        funnel.segment(frame(), "everyone")


# Any text but surrogates (not UTF-8) and NUL.
texts = st.none() | st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))
COLUMNS = HEADER.decode().strip().split(",")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.tuples(texts, texts), min_size=1, max_size=6))
def test_any_text_is_written_as_the_csv_module_writes_it(cells) -> None:
    people = [
        {"employee_id": f"E{n}", "email": f"e{n}@x.example", "name": name, "reason": reason}
        for n, (name, reason) in enumerate(cells)
    ]
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for person in people:
        row = dict.fromkeys(COLUMNS, "") | {"stage": "delivered", "mails_sent": "0"}
        writer.writerow((row | {key: _defused(value) for key, value in person.items()}).values())
    assert reminders_csv(frame(*people)) == expected.getvalue().encode("utf-8")


def _defused(text: str | None) -> str:
    if text is None:
        return ""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def test_the_excel_csv_is_the_same_bytes_after_a_byte_order_mark() -> None:
    people = frame({"employee_id": "E1", "name": "Jürgen Müller", "location": "Zürich"})
    data = reminders_excel_csv(people)
    assert data == b"\xef\xbb\xbf" + reminders_csv(people)
    assert "Jürgen Müller" in data.decode("utf-8-sig")


def test_the_xlsx_holds_the_csv_cells_row_for_row_as_text() -> None:
    people = frame(
        {"employee_id": "E2", "name": '=HYPERLINK("http://evil")', "timezone": "Europe/Zurich"},
        {"employee_id": "E1", "name": "Jürgen Müller", "reason": "line\nbreak", "mails_sent": 2},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(reminders_xlsx(people))).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    text = reminders_csv(people).decode()
    assert [row[:14] for row in rows] == list(csv.reader(io.StringIO(text, newline="")))
    assert [row[14:] for row in rows] == [["location", "timezone"], ["", ""], ["", "Europe/Zurich"]]
    assert rows[1][2] == "Jürgen Müller" and rows[2][2].startswith("'=")
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)


def test_a_formula_behind_a_control_character_is_text_in_the_xlsx_too() -> None:
    evil = '\x01=HYPERLINK("http://evil")'
    people = frame({"employee_id": "E1", "name": evil, "reason": evil})
    sheet = openpyxl.load_workbook(io.BytesIO(reminders_xlsx(people))).active
    name, reason = sheet.cell(2, 3), sheet.cell(2, 12)
    assert name.value == reason.value == '\'=HYPERLINK("http://evil")'
    assert name.data_type == reason.data_type == "s"
    assert b"\x01" not in reminders_csv(people)  # the CSV holds the same defused cells
