"""A batch holding an element nested deeper than the JSON parsers go, read element by element.

Only bodies that the parsers refused for their depth come here, so the slow path costs nothing
to the usual batch; each deep element is kept as its bytes and quarantined alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_SPACE = re.compile(r"[ \t\n\r]*")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


@dataclass(frozen=True)
class Deep:
    """An element too deep to parse: its bytes, for quarantine."""

    raw: bytes


class NotAnArray(ValueError):
    """The body is not a JSON array once its deep elements are skipped."""


def elements(body: bytes) -> list[Any]:
    """The top-level array's elements, each parsed, or `Deep` when too deep to parse."""
    text = body.decode("utf-8", "surrogatepass")
    at = _skip(text, 0)
    if not text.startswith("[", at):
        raise NotAnArray("The body is not a JSON array.")
    items: list[Any] = []
    at = _skip(text, at + 1)
    if text.startswith("]", at):
        return _end(text, at, items)
    while True:
        item, at = _element(text, at)
        items.append(item)
        at = _skip(text, at)
        if text.startswith("]", at):
            return _end(text, at, items)
        if not text.startswith(",", at):
            raise NotAnArray(f"Expected ',' or ']' at character {at}.")
        at = _skip(text, at + 1)


def _element(text: str, at: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, at)
    except RecursionError:
        end = _matching_end(text, at)
        return Deep(text[at:end].encode("utf-8", "surrogatepass")), end
    except ValueError as exc:
        raise NotAnArray(str(exc)) from None


def _matching_end(text: str, at: int) -> int:
    """Where the array or object opening at `at` closes (strings skipped whole)."""
    depth = 0
    for token in _TOKEN.finditer(text, at):
        mark = token.group()
        if mark in "[{":
            depth += 1
        elif mark in "]}":
            depth -= 1
            if depth == 0:
                return token.end()
    raise NotAnArray("An element is never closed.")


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]


def _end(text: str, at: int, items: list[Any]) -> list[Any]:
    if _skip(text, at + 1) != len(text):
        raise NotAnArray("Extra data follows the array.")
    return items
