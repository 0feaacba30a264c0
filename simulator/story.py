"""What each recipient does with the invitation, in story time (seconds after the send began)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from simulator import hours, shapes
from simulator.company import DOMAIN, LOCATIONS, Company, Employee

SEND_WINDOW = 1800.0  # SendGrid works through a throttled bulk send over ~30 minutes
# Shares of mailed recipients, checked in order: ~97% are delivered within seconds.
DROPPED, BOUNCED, BLOCKED, DEFERRED = 0.005, 0.010, 0.005, 0.012
STILL_DEFERRED = 0.2  # of deferred mail, delivered only the next day: `pending` for a while
MACHINE_OPEN = 0.40  # Apple Mail Privacy Protection fetches the pixel at delivery
HUMAN_OPEN = 0.70
CLICK_AFTER_OPEN = 0.68
CLICK_WITHOUT_OPEN = 0.05  # images blocked (Outlook's default): a click with no open event
SECOND_OPEN = 0.3
COMPLETES = 0.82  # of human clickers
SPAM_REPORT, UNSUBSCRIBE, GROUP_UNSUBSCRIBE, RESUBSCRIBE = 0.003, 0.004, 0.006, 0.25
HUMAN_GAP = 1  # a human step lands in a later second than the one before it
# A click with no open must stay out of the bot window (MAILPULSE_BOT_CLICK_SECONDS, 60 by
# default) even when compression squeezes story minutes into real seconds.
NO_OPEN_CLICK_GAP = 120
TEST_RECIPIENT = f"survey-test@{DOMAIN}"  # HR's test send: on no roster, no employee id


@dataclass(frozen=True)
class Campaign:
    name: str = "engagement-survey"
    category: str = "survey-invite"
    asm_group_id: int = 4123
    survey_url: str = "https://survey.corp.example/s/{campaign}?e={employee_id}"


@dataclass(frozen=True)
class Step:
    story: float
    gap: int  # whole seconds after the recipient's previous step, at least
    event: dict[str, Any] | None  # None: the recipient completes the survey


@dataclass
class Script:
    employee_id: str | None
    steps: list[Step] = field(default_factory=list)

    def add(self, story: float, gap: int, event: dict[str, Any] | None) -> float:
        self.steps.append(Step(story, gap, event))
        return story


@dataclass(frozen=True)
class Fields:
    """The custom args carrying the campaign and the employee (the receiver's settings)."""

    campaign: str = "campaign"
    employee: str = "employee_id"


def scripts(
    company: Company,
    campaign: Campaign,
    story_start: datetime,
    seed: int = 2025,
    fields: Fields = Fields(),  # noqa: B008 (frozen)
) -> list[Script]:
    """One script per mailed employee, plus HR's test send; the same for the same seed."""
    rng = random.Random(seed)
    if story_start.tzinfo is not None:  # the story's clock is naive UTC: offsets do the zones
        story_start = story_start.astimezone(UTC).replace(tzinfo=None)
    writer = Writer(rng, campaign, company.gateway_department, story_start, fields)
    recipients = company.recipients
    sent_at = sorted(rng.uniform(0, SEND_WINDOW) for _ in recipients)
    rng.shuffle(recipients)
    test = Employee("", TEST_RECIPIENT, "HR survey test", "", "", LOCATIONS[0])
    out = [writer.script(test, -600.0, 0)]  # ten minutes before the send: HR checks the mail
    out += [
        writer.script(e, at, n + 1)
        for n, (e, at) in enumerate(zip(recipients, sent_at, strict=True))
    ]
    return [s for s in out if s.steps]


class Writer:
    """Writes what each recipient does with a mail: story seconds are after `start` (naive UTC;
    the epoch when they are epoch seconds)."""

    def __init__(
        self, rng: random.Random, campaign: Campaign, gateway: str, start: datetime, fields: Fields
    ) -> None:
        self.rng, self.campaign, self.gateway, self.start = rng, campaign, gateway, start
        self.fields = fields
        self.pod = f"{rng.getrandbits(36):09x}-{shapes.random_id(rng, 4)[:5].lower()}"

    def script(self, who: Employee, sent: float, n: int) -> Script:
        message = shapes.Message.new(self.rng, who.email, n, self._common(who), self.pod)
        url = self.campaign.survey_url.format(
            campaign=self.campaign.name, employee_id=who.employee_id
        )
        return self.react(who, message, sent, url)

    def react(self, who: Employee, message: shapes.Message, sent: float, url: str) -> Script:
        """What `who` does with `message`, sent at story second `sent`, whose link is `url`."""
        rng, script = self.rng, Script(who.employee_id or None)
        roll = rng.random()
        if roll < DROPPED:
            script.add(sent, 0, shapes.dropped(rng, message))
            return script
        script.add(sent, 0, message.smtp_event(rng, "processed", send_at=0))
        if roll < DROPPED + BOUNCED + BLOCKED:
            blocked = roll >= DROPPED + BOUNCED
            script.add(sent + rng.uniform(1, 20), 0, shapes.bounce(rng, message, blocked))
            return script
        delivered = self._deliver(
            script, message, sent, roll < DROPPED + BOUNCED + BLOCKED + DEFERRED
        )
        self._read(script, message, who, delivered, url)
        script.steps.sort(key=lambda step: step.story)  # stable: same-time steps keep their order
        return script

    def _common(self, who: Employee) -> dict[str, Any]:
        args = {self.fields.campaign: self.campaign.name}
        if who.employee_id:
            args[self.fields.employee] = who.employee_id
        return {
            "category": self.campaign.category,
            **args,
            "asm_group_id": self.campaign.asm_group_id,
        }

    def _deliver(self, script: Script, message: shapes.Message, sent: float, defer: bool) -> float:
        rng, at = self.rng, sent
        if defer:
            for attempt in range(1, rng.randint(1, 3) + 1):
                at = script.add(
                    at + rng.uniform(60, 1800), HUMAN_GAP, shapes.deferred(rng, message, attempt)
                )
            if rng.random() < STILL_DEFERRED:
                at += rng.uniform(12, 30) * 3600
        at = script.add(
            at + rng.uniform(1, 8), 0 if not defer else HUMAN_GAP, shapes.delivered(rng, message)
        )
        if rng.random() < MACHINE_OPEN:
            agent, ip = "Mozilla/5.0", shapes.apple_proxy_ip(rng)
            script.add(at + rng.uniform(0, 2), 0, shapes.open_event(rng, message, ip, agent, True))
        return at

    def _read(
        self, script: Script, message: shapes.Message, who: Employee, delivered: float, url: str
    ) -> None:
        rng = self.rng
        if who.department and who.department == self.gateway:  # the scanner, then its pixel load
            at = delivered + rng.uniform(2, 25)
            agent, ip = shapes.SCANNER_AGENT, shapes.SCANNER_IP
            script.add(at, 0, shapes.click(rng, message, ip, agent, url))
            script.add(at, 0, shapes.open_event(rng, message, ip, agent, False))
        if rng.random() < SPAM_REPORT:
            script.add(
                delivered + rng.uniform(60, 3600), HUMAN_GAP, message.event(rng, "spamreport")
            )
            return
        ip, agent = shapes.human_ip(rng), rng.choice(shapes.HUMAN_AGENTS)
        opens = rng.random() < HUMAN_OPEN
        seen = hours.first_look(rng, self.start, delivered, who.location.utc_offset_hours)
        if opens:
            script.add(seen, HUMAN_GAP, shapes.open_event(rng, message, ip, agent, False))
            if rng.random() < SECOND_OPEN:
                later = seen + rng.uniform(600, 30 * 3600)
                script.add(later, HUMAN_GAP, shapes.open_event(rng, message, ip, agent, False))
        if rng.random() < (CLICK_AFTER_OPEN if opens else CLICK_WITHOUT_OPEN):
            clicked = seen + rng.uniform(15, 900)
            script.add(
                clicked,
                HUMAN_GAP if opens else NO_OPEN_CLICK_GAP,
                shapes.click(rng, message, ip, agent, url),
            )
            if who.employee_id and rng.random() < COMPLETES:  # the survey knows employees only
                script.add(clicked + rng.uniform(180, 1200), HUMAN_GAP, None)
        self._opt_out(script, message, seen + rng.uniform(30, 600), ip, agent)

    def _opt_out(
        self, script: Script, message: shapes.Message, at: float, ip: str, agent: str
    ) -> None:
        rng, roll = self.rng, self.rng.random()
        if roll < UNSUBSCRIBE:
            script.add(at, HUMAN_GAP, message.event(rng, "unsubscribe", ip=ip, useragent=agent))
        elif roll < UNSUBSCRIBE + GROUP_UNSUBSCRIBE:
            fields = {"ip": ip, "useragent": agent, "url": "https://sendgrid.net/wf/asm"}
            script.add(at, HUMAN_GAP, message.event(rng, "group_unsubscribe", **fields))
            if rng.random() < RESUBSCRIBE:
                script.add(
                    at + rng.uniform(3600, 8 * 3600),
                    HUMAN_GAP,
                    message.event(rng, "group_resubscribe", **fields),
                )
