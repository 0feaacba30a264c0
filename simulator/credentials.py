"""SendGrid's credentials toward the receiver: an OAuth client and a signing key pair."""

from __future__ import annotations

import base64
import threading
import time

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from receiver.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER

TOKEN_MARGIN_SECONDS = 30  # fetch a new token this long before the old one expires
REQUEST_TIMEOUT_SECONDS = 30


class Signer:
    """A P-256 key pair that signs like SendGrid's Signed Event Webhook: timestamp + raw body."""

    def __init__(self, key: ec.EllipticCurvePrivateKey | None = None) -> None:
        self._key = key or ec.generate_private_key(ec.SECP256R1())
        der = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.public_key = base64.b64encode(der).decode()  # for MAILPULSE_SENDGRID_PUBLIC_KEYS

    def headers(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self._key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return {SIGNATURE_HEADER: base64.b64encode(signature).decode(), TIMESTAMP_HEADER: stamp}


class TokenSource:
    """Client credentials at the token URL; a token is reused until shortly before it expires."""

    def __init__(self, token_url: str, client_id: str, client_secret: str) -> None:
        self._url, self._auth = token_url, (client_id, client_secret)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0
        self.fetched = 0

    def get(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires:
                self._fetch()
            assert self._token is not None
            return self._token

    def discard(self, token: str) -> None:
        """The receiver refused `token` (expired, revoked): the next `get` fetches a new one."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> None:
        response = httpx.post(
            self._url,
            data={"grant_type": "client_credentials"},
            auth=self._auth,
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        answer = response.json()
        self._token = answer["access_token"]
        lifetime = float(answer.get("expires_in", 3600))
        self._expires = time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, lifetime / 2)
        self.fetched += 1
