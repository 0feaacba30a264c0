"""What a recipient reads: the campaign's templates, rendered once per job, personal per mail.

A request carries up to 1000 recipients and one content, so the template is rendered once
(jinja2, sandboxed) with a substitution tag in each placeholder, and each recipient's values go
in SendGrid's `substitutions` (escaped here for HTML: SendGrid inserts them as they are). The
preview applies the same substitutions, so it shows what SendGrid will send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from core.errors import UserError

PLACEHOLDERS = ("first_name", "name", "survey_link", "deadline")
TAGS = {name: f"[%{name}%]" for name in PLACEHOLDERS}
_TEXT = SandboxedEnvironment(autoescape=False, undefined=jinja2.StrictUndefined)
_HTML = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class Composed:
    """One job's message, placeholders as substitution tags (or a SendGrid dynamic template)."""

    subject: str
    body: str | None
    html: bool
    template_id: str | None = None


def check_template(text: str) -> None:
    """A template that would not render is refused when the campaign is defined."""
    try:
        _TEXT.from_string(text).render(TAGS)
    except jinja2.TemplateError as exc:
        raise UserError(f"A template does not render: {exc}.") from None


def compose(subject: str, body: str | None, html: bool, template_id: str | None) -> Composed:
    rendered = None if body is None else (_HTML if html else _TEXT).from_string(body).render(TAGS)
    return Composed(_TEXT.from_string(subject).render(TAGS), rendered, html, template_id)


def values(name: str | None, survey_link: str, deadline: date | None) -> dict[str, str]:
    """A recipient's placeholders; `first_name` is the first word of the roster's name."""
    full = (name or "").strip()
    return {
        "first_name": full.split()[0] if full else "",
        "name": full,
        "survey_link": survey_link,
        "deadline": deadline.strftime("%A %d %B %Y") if deadline else "",
    }


def substitutions(composed: Composed, personal: dict[str, str]) -> dict[str, str]:
    escaped = {k: str(escape(v)) if composed.html else v for k, v in personal.items()}
    return {TAGS[k]: v for k, v in escaped.items()}


def render(composed: Composed, personal: dict[str, str]) -> tuple[str, str]:
    """(subject, body) as the recipient gets them: what the dry run and the dashboard show."""
    subject = _substituted(composed.subject, {TAGS[k]: v for k, v in personal.items()})
    if composed.body is None:
        return subject, f"(SendGrid template {composed.template_id} with {personal})"
    return subject, _substituted(composed.body, substitutions(composed, personal))


def _substituted(text: str, tags: dict[str, str]) -> str:
    for tag, value in tags.items():
        text = text.replace(tag, value)
    return text
