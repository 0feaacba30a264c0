"""SendGrid's Signed Event Webhook: ECDSA P-256 / SHA-256 over timestamp + raw body."""

from __future__ import annotations

import base64
import binascii
import re
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
FUTURE_SKEW_SECONDS = 300
# Epoch seconds in ASCII digits: 10 until the year 2286. `str.isdigit` would also take "²" or
# 5,000 digits, which `int` then refuses or must chew through.
TIMESTAMP = re.compile(r"[0-9]{1,12}")


class SignatureError(Exception):
    """Any reason a signature does not prove the body came from SendGrid."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify(
    keys: tuple[ec.EllipticCurvePublicKey, ...],
    signature: str | None,
    timestamp: str | None,
    body: bytes,
    max_age_seconds: float | None,
    now: float | None = None,
) -> None:
    """Returns when one of `keys` signed `timestamp + body`; raises SignatureError otherwise."""
    if not signature or not timestamp:
        raise SignatureError("missing_signature")
    _check_age(timestamp, max_age_seconds, time.time() if now is None else now)
    try:
        der = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("malformed_signature") from None
    message = timestamp.encode() + body
    for key in keys:
        try:
            key.verify(der, message, ec.ECDSA(hashes.SHA256()))
            return
        except InvalidSignature:
            continue
    raise SignatureError("bad_signature")


def _check_age(timestamp: str, max_age_seconds: float | None, now: float) -> None:
    if not TIMESTAMP.fullmatch(timestamp):
        raise SignatureError("malformed_timestamp")
    if max_age_seconds is None:
        return
    age = now - int(timestamp)
    if age > max_age_seconds:
        raise SignatureError("stale_timestamp")
    if age < -FUTURE_SKEW_SECONDS:
        raise SignatureError("future_timestamp")
