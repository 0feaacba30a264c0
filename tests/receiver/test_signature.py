import base64

import pytest

from core.settings import parse_public_key
from receiver.signature import SignatureError, verify
from tests.conftest import vectors

VECTORS = vectors()
NOW = 1_700_000_000


def check(vector: dict, max_age: float | None = None, now: float = NOW) -> None:
    verify(
        (parse_public_key(vector["public_key"]),),
        vector["signature_header"],
        vector["timestamp_header"],
        base64.b64decode(vector["payload_b64"]),
        max_age,
        now,
    )


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["id"])
def test_every_official_vector_verifies(vector: dict) -> None:
    check(vector)


@pytest.mark.parametrize("vector", VECTORS["negative_cases"], ids=lambda v: v["id"])
def test_every_negative_case_fails(vector: dict) -> None:
    with pytest.raises(SignatureError):
        check(vector)


def test_the_synthetic_signed_batch_verifies() -> None:
    check(VECTORS["synthetic_test_key_and_signed_batch"])


def test_a_tampered_body_fails() -> None:
    vector = dict(VECTORS["vectors"][0])
    body = base64.b64decode(vector["payload_b64"]).replace(b"Bounced", b"Bouncer")
    vector["payload_b64"] = base64.b64encode(body).decode()
    with pytest.raises(SignatureError, match="bad_signature"):
        check(vector)


def test_a_tampered_timestamp_fails() -> None:
    vector = {**VECTORS["vectors"][0], "timestamp_header": "1600112503"}
    with pytest.raises(SignatureError, match="bad_signature"):
        check(vector)


@pytest.mark.parametrize("header", ["signature_header", "timestamp_header"])
def test_a_missing_header_fails(header: str) -> None:
    with pytest.raises(SignatureError, match="missing_signature"):
        check({**VECTORS["vectors"][0], header: None})


def test_a_signature_that_is_not_base64_fails() -> None:
    with pytest.raises(SignatureError, match="malformed_signature"):
        check({**VECTORS["vectors"][0], "signature_header": "not base64!"})


def test_an_unknown_key_fails_and_any_configured_key_passes() -> None:
    good, other = VECTORS["vectors"][0], VECTORS["vectors"][1]
    message = base64.b64decode(good["payload_b64"])
    keys = (parse_public_key(other["public_key"]),)
    with pytest.raises(SignatureError):
        verify(keys, good["signature_header"], good["timestamp_header"], message, None)
    keys += (parse_public_key(good["public_key"]),)
    verify(keys, good["signature_header"], good["timestamp_header"], message, None)


def test_a_stale_timestamp_fails_and_a_fresh_one_passes() -> None:
    vector = VECTORS["vectors"][0]
    signed_at = int(vector["timestamp_header"])
    check(vector, max_age=90_000, now=signed_at + 89_999)
    with pytest.raises(SignatureError, match="stale_timestamp"):
        check(vector, max_age=90_000, now=signed_at + 90_001)


def test_a_timestamp_far_in_the_future_fails() -> None:
    vector = VECTORS["vectors"][0]
    with pytest.raises(SignatureError, match="future_timestamp"):
        check(vector, max_age=90_000, now=int(vector["timestamp_header"]) - 3600)


def test_a_key_that_is_not_p256_der_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="not base64 DER"):
        parse_public_key("bm90IGEga2V5")


@pytest.mark.parametrize("stamp", ["²", "1" * 5000, "１７００００００００", "+1700000000", " 17"])
def test_a_timestamp_that_is_not_a_few_ascii_digits_is_malformed(stamp: str) -> None:
    with pytest.raises(SignatureError, match="malformed_timestamp"):
        check({**VECTORS["vectors"][0], "timestamp_header": stamp})
