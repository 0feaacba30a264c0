"""Survey completions import: every line must name a roster employee, then all are recorded."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from core import sql
from core.csvfile import OVERFLOW, CsvRejected, Line, Sheet, read_csv, reject
from core.database import Database

_SCHEMA = pa.schema(
    [
        ("line", pa.int32()),
        ("employee_id", pa.string()),
        ("email", pa.string()),
        ("completed_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True)
class CompletionsImport:
    campaign: str
    recorded: int  # employees named by the file
    new: int  # of those, employees without an earlier completion in the campaign

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def import_completions(
    db: Database, campaign: str, text: str, now: datetime | None = None
) -> CompletionsImport:
    """Raises CsvRejected naming every bad line; then nothing is recorded."""
    sheet = read_csv(text, "completions")
    if "employee_id" not in sheet.header and "email" not in sheet.header:
        raise CsvRejected(
            "The completions header needs an employee_id or an email column; "
            f"it has: {', '.join(h for h in sheet.header if h)}."
        )
    rows, problems = parsed(sheet, now or datetime.now(UTC))
    return db.write(lambda con: _store(con, campaign, rows, problems))


def parsed(sheet: Sheet, now: datetime) -> tuple[pa.Table, dict[int, list[str]]]:
    rows: list[dict[str, object]] = []
    problems: dict[int, list[str]] = {}
    for line in sheet.lines:
        completed_at = _moment(line.get("completed_at"), now)
        if found := _problems(line, completed_at):
            problems[line.number] = found
        else:
            rows.append(_row(line, completed_at))
    return pa.Table.from_pylist(rows, schema=_SCHEMA), problems


def _problems(line: Line, completed_at: datetime | None) -> list[str]:
    found = [OVERFLOW] if line.overflow else []
    if not line.get("employee_id") and not line.get("email"):
        found.append("the employee_id and the email are both missing")
    if completed_at is None:
        found.append(f"completed_at {line.get('completed_at')!r} is not an ISO 8601 time")
    return found


def _moment(value: str, now: datetime) -> datetime | None:
    if not value:
        return now
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _row(line: Line, completed_at: datetime | None) -> dict[str, object]:
    return {
        "line": line.number,
        "employee_id": line.get("employee_id") or None,
        "email": line.get("email").lower() or None,
        "completed_at": completed_at,
    }


def _store(
    con: duckdb.DuckDBPyConnection,
    campaign: str,
    rows: pa.Table,
    problems: dict[int, list[str]],
) -> CompletionsImport:
    resolved = _resolved(con, rows, problems)
    if problems:
        raise reject("completions", problems)
    con.register("resolved_completions", resolved)
    try:
        (new,) = con.execute(sql.text("completions_new"), {"campaign": campaign}).fetchone()
        con.execute(sql.text("upsert_completions"), {"campaign": campaign})
    finally:
        con.unregister("resolved_completions")
    recorded = len(set(resolved.column("employee_id").to_pylist()))
    return CompletionsImport(campaign, recorded, new)


def _resolved(
    con: duckdb.DuckDBPyConnection, rows: pa.Table, problems: dict[int, list[str]]
) -> pa.Table:
    """The rows with the roster's employee_id; lines naming nobody join `problems`."""
    con.register("completion_rows", rows)
    try:
        found = dict(con.execute(sql.text("completion_employees")).fetchall())
    finally:
        con.unregister("completion_rows")
    for line, employee_id, email in zip(
        *(rows.column(c).to_pylist() for c in ("line", "employee_id", "email")), strict=True
    ):
        if found.get(line) is None:
            who = f"employee_id {employee_id}" if employee_id else f"the email {email}"
            problems.setdefault(line, []).append(f"{who} is not on the roster")
    employees = [found[line] for line in rows.column("line").to_pylist()]
    return pa.table({"employee_id": employees, "completed_at": rows.column("completed_at")})
