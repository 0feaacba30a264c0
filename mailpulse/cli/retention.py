"""`purge --campaign C` and `forget --employee E | --email X`."""

from __future__ import annotations

import argparse

from core.settings import Settings
from mailpulse import remote
from mailpulse.cli.console import actor


def add(verbs: argparse._SubParsersAction) -> None:
    purge = verbs.add_parser("purge", help="Purge a campaign's person-level data now.")
    purge.add_argument("--campaign", required=True, help="The campaign; its aggregates stay.")
    purge.set_defaults(handler=_purge)
    forget = verbs.add_parser("forget", help="Erase one person everywhere, raw archive included.")
    who = forget.add_mutually_exclusive_group(required=True)
    who.add_argument("--employee", help="The person's employee_id.")
    who.add_argument("--email", help="The person's email.")
    forget.set_defaults(handler=_forget)


def _purge(settings: Settings, args: argparse.Namespace) -> int:
    result = remote.run(settings, "purge", campaign=args.campaign, actor=actor())
    print(f"Purged {result['people']} people's data of {result['campaign']}; aggregates kept.")
    return 0


def _forget(settings: Settings, args: argparse.Namespace) -> int:
    remote.run(settings, "forget", employee=args.employee, email=args.email, actor=actor())
    print("Erased one person everywhere, the raw archive included.")
    return 0
