"""Reading an uploaded CSV as a spreadsheet user sees it: rows numbered from the header (1)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from core.errors import UserError

EMAIL = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\".]+(\.[^@\s,;<>\".]+)+")
OVERFLOW = "it has more cells than the header (a value with a comma needs quotes)"


class CsvRejected(UserError):
    """A file that cannot be imported; the message names every bad line."""


@dataclass(frozen=True)
class Line:
    number: int
    cells: dict[str, str]
    overflow: bool = False  # more cells than the header: usually a comma that lost its quotes

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    lines: list[Line]


def read_csv(text: str, what: str) -> Sheet:
    """Header names trimmed and lower-cased; blank rows skipped but still counted."""
    records = _records(text, what)
    if not records or not any(cell.strip() for cell in records[0]):
        raise CsvRejected(f"The {what} file is empty: it needs a header row.")
    header = [cell.strip().lower() for cell in records[0]]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise CsvRejected(f"The {what} header repeats the column {', '.join(repeated)}.")
    lines = [_line(number, header, cells) for number, cells in enumerate(records[1:], start=2)]
    data = [line for line in lines if line.overflow or any(v.strip() for v in line.cells.values())]
    if not data:
        raise CsvRejected(f"The {what} file has a header but no rows.")
    return Sheet(header, data)


def _records(text: str, what: str) -> list[list[str]]:
    try:  # newline="" lets the reader keep line breaks inside quoted cells
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    except csv.Error as exc:
        raise CsvRejected(f"The {what} file is not a readable CSV: {exc}.") from None


def require_columns(sheet: Sheet, what: str, *names: str) -> None:
    missing = [name for name in names if name not in sheet.header]
    if missing:
        raise CsvRejected(
            f"The {what} header needs the column{'s' if len(missing) > 1 else ''} "
            f"{' and '.join(missing)}; it has: {', '.join(h for h in sheet.header if h)}."
        )


def _line(number: int, header: list[str], cells: list[str]) -> Line:
    overflow = len(cells) > len(header) and any(c.strip() for c in cells[len(header) :])
    return Line(number, dict(zip(header, cells, strict=False)), overflow)


def reject(what: str, problems: dict[int, list[str]]) -> CsvRejected:
    """One message naming every bad line, in file order."""
    listed = "; ".join(
        f"line {number}: {' and '.join(problems[number])}" for number in sorted(problems)
    )
    count = len(problems)
    lines = f"{count} line is" if count == 1 else f"{count} lines are"
    return CsvRejected(f"Nothing was imported: {lines} wrong in the {what} file: {listed}.")


def is_email(value: str) -> bool:
    return EMAIL.fullmatch(value) is not None
