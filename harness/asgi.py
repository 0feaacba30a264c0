"""Run an async function to its end from a test, on an event loop in a thread of its own.

Playwright's sync API leaves a running loop in the main thread once a browser test has run, and
`asyncio.run()` refuses to start there: tests that call an ASGI app directly go through `run`.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from anyio.from_thread import start_blocking_portal

T = TypeVar("T")


def run(function: Callable[..., Awaitable[T]], *args: Any) -> T:
    with start_blocking_portal() as portal:
        return portal.call(function, *args)
