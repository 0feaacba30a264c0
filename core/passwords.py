"""Passwords as slow salted hashes (the standard library's scrypt), checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt with n=2**14, r=8, p=1 (16 MiB, ~50 ms here): OWASP's interactive-login floor.
N, R, P = 2**14, 8, 1
MAX_MEMORY = 64 * 1024 * 1024


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    return "$".join(("scrypt", str(N), str(R), str(P), _b64(salt), _b64(_derive(password, salt))))


def verify(password: str, stored: str | None) -> bool:
    """False for anything that is not a matching scrypt hash (no hash at all included)."""
    try:
        scheme, n, r, p, salt, expected = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        derived = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(derived, base64.b64decode(expected))


def waste_time(password: str) -> None:
    """As slow as a real check: an unknown email answers no faster than a wrong password."""
    _derive(password, b"\0" * 16)


def _derive(password: str, salt: bytes, n: int = N, r: int = R, p: int = P) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
