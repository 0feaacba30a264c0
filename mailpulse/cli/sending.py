"""`campaigns create`, `send`, `sends`: the survey mail, sent through SendGrid by mailpulse."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.sends import SENDABLE, handed
from core.settings import Settings
from mailpulse import remote, sending
from mailpulse.cli.console import print_json, read_text


def add(verbs: argparse._SubParsersAction) -> None:
    send = verbs.add_parser("send", help="Send the invitation (not_sent) or a reminder.")
    send.add_argument("--campaign", required=True, help="The campaign (defined to be sent).")
    send.add_argument("--segment", required=True, help=f"Who: {', '.join(SENDABLE)}.")
    send.add_argument("--dry-run", action="store_true", help="Show who and what; send nothing.")
    send.add_argument("--limit", type=int, help="Mail at most this many people.")
    send.set_defaults(handler=_send)
    listed = verbs.add_parser("sends", help="Send jobs and their counts; one person's mails.")
    listed.add_argument("--campaign", required=True, help="The campaign.")
    listed.add_argument("--employee", help="Show this employee's mails.")
    listed.add_argument("--json", action="store_true", help="Print JSON.")
    listed.set_defaults(handler=_sends)


def add_create(campaigns: argparse.ArgumentParser) -> None:
    """`campaigns create NAME ...`, beside `campaigns [--json]`."""
    actions = campaigns.add_subparsers(required=False, metavar="ACTION")
    create = actions.add_parser("create", help="Define a campaign to send.")
    create.add_argument("name", help="The campaign's name (its category and custom arg).")
    create.add_argument("--subject", required=True, help="The invitation's subject.")
    create.add_argument("--survey-url", required=True, help="The survey URL, with {token}.")
    create.add_argument("--body", help="The invitation: a text file, or .html for HTML.")
    create.add_argument("--template-id", help="A SendGrid dynamic template (d-...) instead.")
    create.add_argument("--reminder-subject", help="The reminders' subject.")
    create.add_argument("--reminder-body", help="The reminders' text (.html for HTML).")
    create.add_argument("--deadline", help="The survey's last day, YYYY-MM-DD.")
    create.set_defaults(handler=_create)


def _create(settings: Settings, args: argparse.Namespace) -> int:
    body, html = _template(args.body)
    reminder, reminder_html = _template(args.reminder_body)
    result = remote.run(
        settings, "campaigns_create", name=args.name, subject=args.subject,
        survey_url=args.survey_url, body=body, body_html=html, template_id=args.template_id,
        reminder_subject=args.reminder_subject, reminder_body=reminder,
        reminder_html=reminder_html, deadline=args.deadline,
    )  # fmt: skip
    print(f"Defined {result['campaign']}: `mailpulse send --campaign {result['campaign']} "
          "--segment not_sent` invites everyone.")  # fmt: skip
    return 0


def _template(path: str | None) -> tuple[str | None, bool]:
    if path is None:
        return None, False
    return read_text(path), Path(path).suffix.lower() in (".html", ".htm")


def _send(settings: Settings, args: argparse.Namespace) -> int:
    if args.dry_run:
        return _dry_run(settings, args)
    status = sending.send(settings, args.campaign, args.segment, args.limit, _progress)
    return _summary(status)


def _dry_run(settings: Settings, args: argparse.Namespace) -> int:
    preview = remote.run(settings, "send_preview", campaign=args.campaign,
                         segment=args.segment, limit=args.limit)  # fmt: skip
    print(f"{preview['count']:,} would get {SENDABLE[args.segment]} of {args.campaign} "
          "(dry run: nothing is sent).")  # fmt: skip
    for person in preview["first"]:
        print(f"  {person['employee_id']:<12} {person['email']}")
    if preview["message"]:
        message = preview["message"]
        print(f"\nTo: {message['to']}\nSubject: {message['subject']}\n\n{message['body']}")
    return 0


def _progress(status: dict[str, Any]) -> None:
    counts = status["counts"]
    done, total = handed(counts)
    print(f"  job {status['job_id']}: {done:,} of {total:,} handed to SendGrid "
          f"({counts['accepted']:,} accepted)", flush=True)  # fmt: skip


def _summary(status: dict[str, Any]) -> int:
    counts = status["counts"]
    if not sum(counts.values()):
        print(f"Nobody to mail in {status['segment']} of {status['campaign']} (after the "
              "cooldown and opt-outs); nothing was sent.")  # fmt: skip
        return 0
    print(f"Job {status['job_id']}: " + ", ".join(f"{n:,} {s}" for s, n in counts.items()) + ".")
    if counts["uncertain"]:
        print(f"{counts['uncertain']:,} uncertain: SendGrid's answer was lost; they are never "
              "mailed again on their own, and turn accepted when their events arrive.")  # fmt: skip
    for failure in status["failures"]:
        print(f"  failed {failure['employee_id']}: {failure['error']}")
    if status["stopped"]:
        print(f"The job stopped: {status['stopped']}")
    return 1 if counts["failed"] or status["stopped"] else 0


def _sends(settings: Settings, args: argparse.Namespace) -> int:
    result = remote.run(settings, "sends_list", campaign=args.campaign, employee=args.employee)
    if args.json:
        print_json(result)
    elif args.employee:
        for mail in result["mails"] or [{}]:
            print(_mail_line(mail) if mail else f"No mail of {args.campaign} to {args.employee}.")
    else:
        for job in result["jobs"] or [{}]:
            print(_job_line(job) if job else f"No send job for {args.campaign} yet.")
    return 0


def _job_line(job: dict[str, Any]) -> str:
    counts = ", ".join(f"{n:,} {s}" for s, n in job["counts"].items() if n)
    return (f"job {job['job_id']:>4}  {job['created_at']}  {job['segment']:<10} "
            f"{job['requested_by']:<20} {counts or 'nobody'}")  # fmt: skip


def _mail_line(mail: dict[str, Any]) -> str:
    return (f"{mail['queued_at']}  job {mail['job_id']}  {mail['segment']:<10} {mail['state']:<9}"
            f" {mail['x_message_id'] or ''} {mail['error'] or ''}").rstrip()  # fmt: skip
