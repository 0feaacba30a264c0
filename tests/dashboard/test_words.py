"""Bounce reasons fall into the groups HR acts on; the raw text stays for the hover."""

import pytest

from dashboard import words


@pytest.mark.parametrize(
    ("reason", "group"),
    [
        ("550 5.1.1 The email account that you tried to reach does not exist.", "mailbox unknown"),
        ("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found", "mailbox unknown"),
        ("Bounced Address", "mailbox unknown"),
        ("552 5.2.2 The email account that you tried to reach is over quota", "mailbox full"),
        ("554 5.7.1 Client host blocked using Spamhaus", "blocked as spam"),
        ("550 5.7.1 Relaying denied", "policy"),
        ("Spam Reporting Address", "policy"),
        ("Unsubscribed Address", "policy"),
        ("421 try again later", "other"),
    ],
)
def test_a_bounce_reason_falls_into_the_group_hr_acts_on(reason: str, group: str) -> None:
    assert words.bounce_group(reason) == group
