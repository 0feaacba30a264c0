"""The commands behind the CLI, run in-process or by a live server's admin API: the same code.

Each is a function `(db, settings, **arguments) -> JSON-able result`, registered by name.
"""

from mailpulse.commands import (
    archive,
    clients,
    imports,
    people,
    reports,
    retention,
    sending,
    sources,
)  # fmt: skip
from mailpulse.commands.registry import COMMANDS, Command

__all__ = [
    "COMMANDS", "Command", "archive", "clients", "imports", "people", "reports", "retention",
    "sending", "sources",
]  # fmt: skip
