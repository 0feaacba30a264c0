"""SendGrid's checks of a Mail Send body, with its messages (as its 400 answers give them)."""

from __future__ import annotations

import re
from typing import Any

import orjson

MAX_PERSONALIZATIONS = 1000
MAX_CATEGORIES = 10
MAX_CATEGORY_LENGTH = 255
MAX_CUSTOM_ARGS_BYTES = 10_000
MAX_SUBSTITUTIONS_BYTES = 10_000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Error = dict[str, Any]


def error(message: str, field: str | None = None) -> Error:
    return {"message": message, "field": field, "help": None}


def validate(body: Any) -> list[Error]:
    if not isinstance(body, dict):
        return [error("Bad Request")]
    errors = _from(body) + _personalizations(body) + _categories(body)
    templated = bool(body.get("template_id"))
    items = _list(body.get("personalizations"))
    personal_subjects = all(isinstance(p, dict) and p.get("subject") for p in items)
    if not templated and not body.get("subject") and not personal_subjects:
        errors.append(
            error(
                "The subject is required. You can get around this requirement if you use a "
                "template with a subject defined or if every single personalization has a "
                "subject defined.",
                "subject",
            )
        )
    if not templated and not _list(body.get("content")):
        errors.append(
            error(
                "Unless a valid template_id is provided, the content parameter is required. There "
                "must be at least one defined content block.",
                "content",
            )
        )
    return errors


def _from(body: dict[str, Any]) -> list[Error]:
    sender = body.get("from")
    if not isinstance(sender, dict) or not EMAIL.match(str(sender.get("email", ""))):
        return [
            error(
                "The from object must be provided for every email send. It is an object that "
                "requires an email parameter, but may also contain a name parameter.",
                "from",
            )
        ]
    return []


def _personalizations(body: dict[str, Any]) -> list[Error]:
    items = body.get("personalizations")
    if not isinstance(items, list) or not items:
        return [
            error(
                "The personalizations field is required and must have at least one "
                "personalization.",
                "personalizations",
            )
        ]
    if len(items) > MAX_PERSONALIZATIONS:
        return [
            error(
                "The personalizations field may not have more than 1000 items.", "personalizations"
            )
        ]
    errors: list[Error] = []
    for n, item in enumerate(items):
        errors += _personalization(n, item)
    return errors


def _personalization(n: int, item: Any) -> list[Error]:
    where = f"personalizations.{n}"
    to = item.get("to") if isinstance(item, dict) else None
    if not isinstance(to, list) or not to:
        return [
            error(
                "The to array is required for all personalization objects, and must have "
                "at least one email object with a valid email address.",
                f"{where}.to",
            )
        ]
    errors = [
        error("Does not contain a valid address.", f"{where}.to.{i}.email")
        for i, person in enumerate(to)
        if not isinstance(person, dict) or not EMAIL.match(str(person.get("email", "")))
    ]
    args = item.get("custom_args", {})
    if not isinstance(args, dict) or not all(isinstance(v, str) for v in args.values()):
        errors.append(error("Custom args must be strings.", f"{where}.custom_args"))
    elif len(orjson.dumps(args)) > MAX_CUSTOM_ARGS_BYTES:
        errors.append(
            error("The custom arguments must be less than 10000 bytes.", f"{where}.custom_args")
        )
    if len(orjson.dumps(item.get("substitutions", {}))) > MAX_SUBSTITUTIONS_BYTES:
        errors.append(
            error("The substitutions must be less than 10000 bytes.", f"{where}.substitutions")
        )
    return errors


def _categories(body: dict[str, Any]) -> list[Error]:
    categories = body.get("categories", [])
    if not isinstance(categories, list) or len(categories) > MAX_CATEGORIES:
        return [
            error(
                "Too many categories on this message. The maximum number of categories is 10.",
                "categories",
            )
        ]
    if any(not isinstance(c, str) or len(c) > MAX_CATEGORY_LENGTH for c in categories):
        return [error("A category cannot have more than 255 characters.", "categories")]
    return []


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
