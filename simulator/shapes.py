"""What SendGrid's events look like: ids, fields, reasons and user agents, as in real posts."""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from typing import Any

SENDGRID_IPS = ("149.72.10.11", "149.72.154.87", "167.89.17.173", "167.89.101.76")
APPLE_PROXY_PREFIX = "17.58"  # Apple Mail Privacy Protection fetches from Apple's 17.0.0.0/8
SCANNER_IP = "148.163.150.21"  # one mail gateway's link scanner, clicking for a whole department
SCANNER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
HUMAN_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Outlook-Express/7.0",
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
)
DELIVERED_RESPONSES = (
    "250 2.0.0 OK  {ts} a1si2210036ioe.159 - gsmtp",
    "250 2.6.0 <{msgid}@geopod-ismtpd-3> [InternalId=1236950581] Queued mail for delivery",
    "250 OK id=1tU3kX-00AbCd-2Q",
)
DEFERRALS = (
    "421 4.7.0 Try again later, closing connection. (EHLO) - gsmtp",
    "451 4.3.2 Temporary server error. Please try again later",
    "Email was deferred due to the following reason(s): [IPs were throttled by recipient server]",
    "452 4.2.2 The email account that you tried to reach is over quota.",
)
# (reason, status, bounce_classification) as SendGrid reports them.
BOUNCES = (
    ("550 5.1.1 The email account that you tried to reach does not exist. Please try "
     "double-checking the recipient's email address for typos or unnecessary spaces.",
     "5.1.1", "Invalid Address"),
    ("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
     "5.1.10", "Invalid Address"),
    ("552 5.2.2 The email account that you tried to reach is over quota and inactive.",
     "5.2.2", "Mailbox Unavailable"),
)  # fmt: skip
BLOCKS = (
    ("554 5.7.1 Service unavailable; Client host [149.72.10.11] blocked using Spamhaus",
     "5.7.1", "Reputation"),
    ("550 5.7.1 Message rejected due to content restrictions", "5.7.1", "Content"),
    ("550 5.7.606 Access denied, banned sending IP [167.89.17.173].", "5.7.606", "Reputation"),
)  # fmt: skip
DROP_REASONS = (
    ("Bounced Address", 0.5),
    ("Unsubscribed Address", 0.25),
    ("Spam Reporting Address", 0.1),
    ("Invalid", 0.15),
)


def random_id(rng: random.Random, nbytes: int = 16) -> str:
    """A URL-safe id like SendGrid's (22 characters for 16 bytes)."""
    raw = rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def human_ip(rng: random.Random) -> str:
    """A home or mobile address: every person its own, so no IP burst mistakes them for a bot."""
    first = rng.choice((81, 84, 91, 172, 185, 203))
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def apple_proxy_ip(rng: random.Random) -> str:
    return f"{APPLE_PROXY_PREFIX}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


@dataclass(frozen=True)
class Message:
    """One sent email: SendGrid's ids and the custom args it carries into every event."""

    email: str
    msgid: str
    sg_message_id: str
    smtp_id: str
    common: dict[str, Any]  # category, custom args, asm_group_id

    @classmethod
    def new(
        cls, rng: random.Random, email: str, n: int, common: dict[str, Any], pod: str
    ) -> Message:
        msgid = random_id(rng)
        sg_message_id = f"{msgid}.recvd-{pod}-1-{0x677F3A10 + n // 1000:08X}-{n % 1000}.0"
        return cls(email, msgid, sg_message_id, f"<{msgid}@geopod-ismtpd-{n % 7}>", common)

    def event(self, rng: random.Random, name: str, **fields: Any) -> dict[str, Any]:
        """An event of this message; `timestamp` is set when the story is put on the clock."""
        return {
            "email": self.email,
            "event": name,
            **self.common,
            "sg_event_id": random_id(rng),
            "sg_message_id": self.sg_message_id,
            **fields,
        }

    def smtp_event(self, rng: random.Random, name: str, **fields: Any) -> dict[str, Any]:
        """Events of the sending side carry the SMTP id; opens and clicks do not."""
        return self.event(rng, name, **{"smtp-id": self.smtp_id, **fields})


def delivered(rng: random.Random, message: Message) -> dict[str, Any]:
    response = rng.choice(DELIVERED_RESPONSES).format(ts=rng.randrange(10**9), msgid=message.msgid)
    return message.smtp_event(
        rng, "delivered", ip=rng.choice(SENDGRID_IPS), response=response, tls=1
    )


def deferred(rng: random.Random, message: Message, attempt: int) -> dict[str, Any]:
    return message.smtp_event(
        rng,
        "deferred",
        ip=rng.choice(SENDGRID_IPS),
        response=rng.choice(DEFERRALS),
        attempt=str(attempt),  # SendGrid sends the attempt number as a string
        tls=1,
    )


def bounce(rng: random.Random, message: Message, blocked: bool) -> dict[str, Any]:
    reason, status, classification = rng.choice(BLOCKS if blocked else BOUNCES)
    return message.smtp_event(
        rng,
        "bounce",
        ip=rng.choice(SENDGRID_IPS),
        reason=reason,
        status=status,
        type="blocked" if blocked else "bounce",
        bounce_classification=classification,
        tls=1,
    )


def dropped(rng: random.Random, message: Message) -> dict[str, Any]:
    reasons, weights = zip(*DROP_REASONS, strict=True)
    reason = rng.choices(reasons, weights)[0]
    status = {"Bounced Address": "5.0.0"}.get(reason)
    return message.smtp_event(
        rng, "dropped", reason=reason, **({"status": status} if status else {})
    )


def open_event(
    rng: random.Random, message: Message, ip: str, agent: str, machine: bool
) -> dict[str, Any]:
    return message.event(rng, "open", ip=ip, useragent=agent, sg_machine_open=machine)


def click(rng: random.Random, message: Message, ip: str, agent: str, url: str) -> dict[str, Any]:
    offset = {"index": 0, "type": "html"}
    return message.event(rng, "click", ip=ip, useragent=agent, url=url, url_offset=offset)
