"""What every verb needs at the terminal: JSON out, the user's files in and out."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Any

from core.errors import UserError


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


def read_text(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text: save it as CSV UTF-8.") from None


def write_bytes(path: str | None, data: bytes) -> None:
    """To `path`, or to stdout when there is none."""
    if path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror}.") from None


def actor() -> str:
    """Who a CLI action is recorded as in the audit trail."""
    return f"cli:{getpass.getuser()}"
