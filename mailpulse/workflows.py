"""Posting to a Teams Workflows webhook: an Adaptive Card in a message, with explicit time-outs.

The URL carries a signature (`sig=`): it is a secret, so only its host is ever logged or kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass(frozen=True)
class Card:
    title: str
    text: str
    facts: tuple[tuple[str, str], ...] = ()


def message(card: Card) -> dict:
    body: list[dict] = [
        {"type": "TextBlock", "text": card.title, "weight": "Bolder", "size": "Medium",
         "wrap": True},
        {"type": "TextBlock", "text": card.text, "wrap": True},
    ]  # fmt: skip
    if card.facts:
        facts = [{"title": name, "value": value} for name, value in card.facts]
        body.append({"type": "FactSet", "facts": facts})
    content = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
               "type": "AdaptiveCard", "version": "1.4", "body": body}  # fmt: skip
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": content}
    ]}  # fmt: skip


def host(url: str) -> str:
    return urlsplit(url).netloc or "(no host)"


def post(client: httpx.Client, url: str, card: Card) -> str | None:
    """None when Teams took it; else why not, without the URL."""
    try:
        response = client.post(url, json=message(card), timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__} reaching {host(url)}"
    if response.is_success:
        return None
    return f"{host(url)} answered {response.status_code}"
