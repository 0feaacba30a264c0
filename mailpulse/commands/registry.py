"""Commands by name, and whether each may create the database it runs on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Command:
    run: Callable[..., Any]
    creates: bool  # may run on a database that does not exist yet (a first run)


COMMANDS: dict[str, Command] = {}


def command(*, creates: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Registers a command under its function's name. Only commands that set something up may
    create a database; any other refuses a missing one instead of reading an empty new file."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        COMMANDS[fn.__name__] = Command(fn, creates)
        return fn

    return register
