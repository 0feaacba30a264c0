from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

from simulator.survey_tool import signed_headers

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # a throw-away key for this test
BODY = b'{"type": "survey.completed", "data": {"token": "abc"}}'


def test_the_simulated_tool_signs_exactly_as_the_standard_webhooks_library_does() -> None:
    at = 1_767_225_600
    headers = signed_headers(SECRET, "msg_1", BODY, at)
    expected = Webhook(SECRET).sign("msg_1", datetime.fromtimestamp(at, UTC), BODY.decode())
    assert headers["webhook-signature"] == expected


def test_the_library_verifies_what_the_simulated_tool_signs_now() -> None:
    headers = signed_headers(SECRET, "msg_2", BODY, datetime.now(UTC).timestamp())
    assert Webhook(SECRET).verify(BODY, headers)["data"]["token"] == "abc"
