import pytest

from core.csvfile import CsvRejected
from core.roster import RosterImport, import_roster


def stored(db) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(
            "SELECT employee_id, email, name, department, manager, location, timezone, active "
            "FROM roster ORDER BY employee_id"
        ).fetchall()


def test_a_roster_with_every_column_is_imported(db) -> None:
    text = (
        "employee_id,email,name,department,manager,location,timezone,active\n"
        "E1,anna@corp.example,Anna Meier,Sales,E9,Berlin,Europe/Berlin,true\n"
        "E2,ben@corp.example,Ben Okafor,IT,E9,Lagos,Africa/Lagos,no\n"
    )
    assert import_roster(db, text) == RosterImport(inserted=2, updated=0, deactivated=0)
    assert stored(db) == [
        ("E1", "anna@corp.example", "Anna Meier", "Sales", "E9", "Berlin", "Europe/Berlin", True),
        ("E2", "ben@corp.example", "Ben Okafor", "IT", "E9", "Lagos", "Africa/Lagos", False),
    ]


def test_a_spreadsheet_export_with_bom_crlf_and_quoted_cells_is_read(db) -> None:
    text = (
        "\ufeffEmployee_ID,Email,Name,Department\r\n"
        'E1, Anna.Meier@Corp.Example ,"Meier, Anna","Sales\r\nEMEA"\r\n'
        "E2,ben@corp.example,Ben,IT\r\n"
    )
    import_roster(db, text)
    assert [row[:4] for row in stored(db)] == [
        ("E1", "anna.meier@corp.example", "Meier, Anna", "Sales\r\nEMEA"),
        ("E2", "ben@corp.example", "Ben", "IT"),
    ]


def test_a_bad_file_names_every_bad_line_and_imports_nothing(db) -> None:
    text = (
        "employee_id,email,name\n"
        'E1,anna@corp.example,"Anna\nMeier"\n'  # one spreadsheet row over two text lines
        ",nobody@corp.example,No Id\n"
        "E3,,No Email\n"
        "E4,not-an-email,Broken\n"
        "E1,other@corp.example,Same Id\n"
        "E6,ANNA@corp.example,Same Email\n"
        "E7,gus@corp.example,Gus\n"
    )
    with pytest.raises(CsvRejected) as rejected:
        import_roster(db, text)
    assert str(rejected.value) == (
        "Nothing was imported: 5 lines are wrong in the roster file: "
        "line 3: the employee_id is missing; "
        "line 4: the email is missing; "
        "line 5: the email 'not-an-email' is malformed; "
        "line 6: employee_id E1 is also on line 2; "
        "line 7: the email anna@corp.example is also on line 2."
    )
    assert stored(db) == []


def test_a_line_can_have_several_problems(db) -> None:
    with pytest.raises(CsvRejected, match=r"line 2: the employee_id is missing and the email"):
        import_roster(db, "employee_id,email,active\n,x@,maybe\n")


def test_an_unquoted_comma_is_named(db) -> None:
    with pytest.raises(CsvRejected, match="line 2: it has more cells than the header"):
        import_roster(db, "employee_id,email,name\nE1,a@corp.example,Meier, Anna\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The roster file is empty: it needs a header row."),
        ("employee_id,mail\nE1,a@b.example\n", "needs the column email; it has: employee_id, mail"),
        ("name\nAnna\n", "needs the columns employee_id and email; it has: name."),
        ("employee_id,email\n\n", "The roster file has a header but no rows."),
        ("employee_id,email,Email\n", "The roster header repeats the column email."),
    ],
)
def test_a_file_that_is_no_roster_is_refused(db, text, message) -> None:
    with pytest.raises(CsvRejected, match=message):
        import_roster(db, text)


def test_blank_rows_are_skipped_but_counted_as_lines(db) -> None:
    with pytest.raises(CsvRejected, match="line 4: the email is missing"):
        import_roster(db, "employee_id,email\nE1,a@corp.example\n,\nE2,\n")


def test_a_reimport_updates_by_employee_id_and_keeps_columns_the_file_lacks(db) -> None:
    import_roster(db, "employee_id,email,name,department\nE1,anna@corp.example,Anna,Sales\n")
    result = import_roster(
        db, "employee_id,email,name\nE1,anna.m@corp.example,\nE2,b@c.example,B\n"
    )
    assert result == RosterImport(inserted=1, updated=1, deactivated=0)
    assert [row[:4] for row in stored(db)] == [
        ("E1", "anna.m@corp.example", None, "Sales"),
        ("E2", "b@c.example", "B", None),
    ]


def test_replace_marks_employees_missing_from_the_file_inactive(db) -> None:
    import_roster(
        db, "employee_id,email\nE1,a@corp.example\nE2,b@corp.example\nE3,c@corp.example\n"
    )
    import_roster(db, "employee_id,email,active\nE2,b@corp.example,false\n")
    result = import_roster(db, "employee_id,email\nE1,a@corp.example\n", replace=True)
    assert result == RosterImport(inserted=0, updated=1, deactivated=1)
    assert [(row[0], row[-1]) for row in stored(db)] == [("E1", True), ("E2", False), ("E3", False)]


def test_an_employee_back_in_the_file_is_active_again(db) -> None:
    import_roster(db, "employee_id,email,active\nE1,a@corp.example,inactive\n")
    import_roster(db, "employee_id,email\nE1,a@corp.example\n")
    assert stored(db)[0][-1] is True


def test_a_hundred_thousand_employees_import_in_one_go(db) -> None:
    lines = [f"E{n},e{n}@corp.example,Employee {n},Dept {n % 40}" for n in range(100_000)]
    text = "employee_id,email,name,department\n" + "\n".join(lines) + "\n"
    assert import_roster(db, text) == RosterImport(inserted=100_000, updated=0, deactivated=0)
    assert len(stored(db)) == 100_000


def test_a_bad_line_deep_in_a_large_file_is_named_by_its_line_number(db) -> None:
    lines = [f"E{n},e{n}@corp.example" for n in range(50_000)]
    lines[41_234] = "E41234,not-an-email"
    with pytest.raises(CsvRejected, match="line 41236"):
        import_roster(db, "employee_id,email\n" + "\n".join(lines))
    assert stored(db) == []


def test_formula_cells_are_stored_as_written(db) -> None:
    import_roster(db, 'employee_id,email,name\nE1,a@corp.example,"=HYPERLINK(""x"")"\n')
    assert stored(db)[0][2] == '=HYPERLINK("x")'
