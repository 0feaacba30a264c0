"""The `mailpulse` command line: one sub-command per verb, errors as one sentence on stderr."""

from __future__ import annotations

import argparse
import sys

from pydantic import ValidationError

from core.errors import UserError
from core.settings import Settings
from mailpulse.cli import clients, data, reports, retention, sending, serving, sources, users

# each adds its sub-commands, in the help's order
VERBS = (serving, clients, data, reports, sending, sources, users, retention)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
        return args.handler(settings, args) or 0
    except ValidationError as exc:
        return _fail(f"The configuration is invalid: {_first_error(exc)}")
    except UserError as exc:
        return _fail(str(exc))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="mailpulse", description=__doc__)
    verbs = root.add_subparsers(required=True, metavar="COMMAND")
    for module in VERBS:
        module.add(verbs)
    return root


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def _fail(message: str) -> int:
    print(f"mailpulse: {message}", file=sys.stderr)
    return 1
