"""`campaigns`, `funnel`, `reminders`: what the survey looks like now."""

from __future__ import annotations

import argparse

from core.funnel import SEGMENTS
from core.settings import Settings
from mailpulse import remote
from mailpulse.cli import sending
from mailpulse.cli.console import actor, print_json, write_bytes


def add(verbs: argparse._SubParsersAction) -> None:
    campaigns = verbs.add_parser("campaigns", help="Campaigns with event counts and times.")
    campaigns.add_argument("--json", action="store_true", help="Print JSON.")
    campaigns.set_defaults(handler=_campaigns)
    sending.add_create(campaigns)
    funnel = verbs.add_parser("funnel", help="Employees per funnel stage of a campaign.")
    funnel.add_argument("--campaign", required=True, help="The campaign.")
    funnel.add_argument("--json", action="store_true", help="Print JSON.")
    funnel.set_defaults(handler=_funnel)
    reminders = verbs.add_parser("reminders", help="The reminder CSV of one segment.")
    reminders.add_argument("--campaign", required=True, help="The campaign.")
    reminders.add_argument(
        "--segment", required=True, help=f"Who to remind: {', '.join(SEGMENTS)}."
    )
    reminders.add_argument("--output", help="Write the CSV to this file instead of stdout.")
    reminders.set_defaults(handler=_reminders)


def _campaigns(settings: Settings, args: argparse.Namespace) -> int:
    rows = remote.run(settings, "campaigns_list")
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No campaigns yet: no event has arrived.")
    for row in rows:
        print(
            f"{row['campaign']:<32} {row['events']:>10,} events  "
            f"{row['first_event_at']} .. {row['last_event_at']}"
        )
    return 0


def _funnel(settings: Settings, args: argparse.Namespace) -> int:
    report = remote.run(settings, "funnel_report", campaign=args.campaign)
    if args.json:
        print_json(report)
        return 0
    print(f"{report['campaign']}: {sum(report['stages'].values()):,} employees")
    for name, count in [*report["stages"].items(), *report["flags"].items()]:
        print(f"  {name:<14} {count:>9,}")
    return 0


def _reminders(settings: Settings, args: argparse.Namespace) -> int:
    result = remote.run(settings, "reminders_export", campaign=args.campaign,
                        segment=args.segment, actor=actor())  # fmt: skip
    write_bytes(args.output, result["csv"].encode("utf-8"))
    if args.output is not None:
        print(
            f"Wrote {result['rows']} {args.segment} reminders of {args.campaign} to {args.output}."
        )
    return 0
