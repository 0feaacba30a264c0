"""The HMAC signatures of completion sources and Teams: pure functions over the raw bytes.

Each returns when the signature is good and raises `HmacError` (with a reason for the log and
metrics) for every failure, so callers treat them all alike. Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

STANDARD_TOLERANCE_SECONDS = 300  # Standard Webhooks: 5 minutes either way


class HmacError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _mac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _matches(expected: bytes, given_b64: str) -> bool:
    try:
        given = base64.b64decode(given_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(expected, given)


def verify_standard(
    secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None
) -> None:
    """Standard Webhooks: `v1,<base64 HMAC(key, id.timestamp.body)>`, any one of a list."""
    msg_id, stamp = headers.get("webhook-id"), headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (msg_id and stamp and signatures):
        raise HmacError("missing_signature")
    if not stamp.isdigit():
        raise HmacError("malformed_timestamp")
    if abs((time.time() if now is None else now) - int(stamp)) > STANDARD_TOLERANCE_SECONDS:
        raise HmacError("stale_timestamp")
    expected = _mac(_standard_key(secret), f"{msg_id}.{stamp}.".encode() + body)
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and _matches(expected, value):
            return
    raise HmacError("bad_signature")


def _standard_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_") + "==")  # tolerate unpadded secrets


def verify_typeform(secret: str, header: str | None, body: bytes) -> None:
    """Typeform: `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>`."""
    if not header:
        raise HmacError("missing_signature")
    scheme, _, value = header.partition("=")
    if scheme != "sha256" or not _matches(_mac(secret.encode(), body), value):
        raise HmacError("bad_signature")


def verify_tally(secret: str, header: str | None, body: bytes) -> None:
    """Tally: `Tally-Signature: <base64 HMAC-SHA256(secret, body)>`."""
    if not header:
        raise HmacError("missing_signature")
    if not _matches(_mac(secret.encode(), body), header):
        raise HmacError("bad_signature")


def verify_teams(token: str, authorization: str | None, body: bytes) -> None:
    """Teams outgoing webhook: `Authorization: HMAC <base64 HMAC(base64decode(token), body)>`."""
    scheme, _, value = (authorization or "").partition(" ")
    if not value:
        raise HmacError("missing_signature")
    if scheme.upper() != "HMAC" or not _matches(_mac(base64.b64decode(token), body), value):
        raise HmacError("bad_signature")
