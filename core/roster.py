"""Roster import: the whole CSV is validated first, then upserted by employee_id at once."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb
import pyarrow as pa

from core import sql
from core.csvfile import OVERFLOW, Line, Sheet, is_email, read_csv, reject, require_columns
from core.database import Database

OPTIONAL = ("name", "department", "manager", "manager_id", "location", "timezone")
COLUMNS = ("employee_id", "email", *OPTIONAL, "active")
ACTIVE = {"": True, "true": True, "yes": True, "y": True, "1": True, "active": True,
          "false": False, "no": False, "n": False, "0": False, "inactive": False}  # fmt: skip


@dataclass(frozen=True)
class RosterImport:
    inserted: int
    updated: int
    deactivated: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def import_roster(db: Database, text: str, replace: bool = False) -> RosterImport:
    """Raises CsvRejected naming every bad line; then nothing is imported."""
    sheet = read_csv(text, "roster")
    require_columns(sheet, "roster", "employee_id", "email")
    rows = validated(sheet)
    present = {f"has_{column}": column in sheet.header for column in OPTIONAL}
    return db.write(lambda con: _store(con, rows, present, replace))


def validated(sheet: Sheet) -> pa.Table:
    problems: dict[int, list[str]] = {}
    ids: dict[str, int] = {}
    emails: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    for line in sheet.lines:
        found = _id_problems(line, ids) + _email_problems(line, emails) + _other_problems(line)
        if found:
            problems[line.number] = found
        else:
            rows.append(_row(line))
    if problems:
        raise reject("roster", problems)
    return pa.Table.from_pylist(rows, schema=_SCHEMA)


def _id_problems(line: Line, seen: dict[str, int]) -> list[str]:
    employee_id = line.get("employee_id")
    if not employee_id:
        return ["the employee_id is missing"]
    if employee_id in seen:
        return [f"employee_id {employee_id} is also on line {seen[employee_id]}"]
    seen[employee_id] = line.number
    return []


def _email_problems(line: Line, seen: dict[str, int]) -> list[str]:
    email = line.get("email").lower()
    if not email:
        return ["the email is missing"]
    if not is_email(email):
        return [f"the email {line.get('email')!r} is malformed"]
    if email in seen:
        return [f"the email {email} is also on line {seen[email]}"]
    seen[email] = line.number
    return []


def _other_problems(line: Line) -> list[str]:
    found = [OVERFLOW] if line.overflow else []
    if line.get("active").lower() not in ACTIVE:
        found.append(f"active is {line.get('active')!r}, not true or false")
    return found


def _row(line: Line) -> dict[str, object]:
    row: dict[str, object] = {column: line.get(column) or None for column in OPTIONAL}
    row["employee_id"] = line.get("employee_id")
    row["email"] = line.get("email").lower()  # the funnel matches event emails by plain equality
    row["active"] = ACTIVE[line.get("active").lower()]
    return row


_SCHEMA = pa.schema(
    [(column, pa.bool_() if column == "active" else pa.string()) for column in COLUMNS]
)


def _store(
    con: duckdb.DuckDBPyConnection, rows: pa.Table, present: dict[str, bool], replace: bool
) -> RosterImport:
    con.register("roster_rows", rows)
    try:
        (known,) = con.execute(sql.text("roster_known")).fetchone()
        con.execute(sql.text("upsert_roster"), present)
        deactivated = con.execute(sql.text("deactivate_missing")).fetchone()[0] if replace else 0
    finally:
        con.unregister("roster_rows")
    return RosterImport(inserted=rows.num_rows - known, updated=known, deactivated=deactivated)
