"""`roster import`, `completions import`, `reprocess`: what mailpulse knows, brought in."""

from __future__ import annotations

import argparse

from core.settings import Settings
from mailpulse import remote
from mailpulse.cli.console import actor, read_text


def add(verbs: argparse._SubParsersAction) -> None:
    roster = verbs.add_parser("roster", help="The employees the survey is sent to.")
    roster_actions = roster.add_subparsers(required=True, metavar="ACTION")
    imported = roster_actions.add_parser("import", help="Import a roster CSV (employee_id,email).")
    imported.add_argument("file", help="The roster CSV file.")
    imported.add_argument(
        "--replace", action="store_true", help="Mark employees missing from the file inactive."
    )
    imported.set_defaults(handler=_roster_import)

    completions = verbs.add_parser("completions", help="Survey completions.")
    completion_actions = completions.add_subparsers(required=True, metavar="ACTION")
    recorded = completion_actions.add_parser(
        "import", help="Record completions from a CSV (employee_id or email, completed_at)."
    )
    recorded.add_argument("file", help="The completions CSV file.")
    recorded.add_argument("--campaign", required=True, help="The campaign they completed.")
    recorded.set_defaults(handler=_completions_import)

    reprocess = verbs.add_parser("reprocess", help="Rebuild events from the raw archive.")
    reprocess.set_defaults(handler=_reprocess)


def _roster_import(settings: Settings, args: argparse.Namespace) -> int:
    text = read_text(args.file)
    result = remote.run(settings, "roster_import", text=text, replace=args.replace, actor=actor())
    print(
        f"Imported the roster: {result['inserted']} new, {result['updated']} updated, "
        f"{result['deactivated']} marked inactive."
    )
    return 0


def _completions_import(settings: Settings, args: argparse.Namespace) -> int:
    text = read_text(args.file)
    result = remote.run(
        settings, "completions_import", text=text, campaign=args.campaign, actor=actor()
    )
    print(
        f"Recorded completions of {result['recorded']} employees in {result['campaign']} "
        f"({result['new']} new)."
    )
    return 0


def _reprocess(settings: Settings, args: argparse.Namespace) -> int:
    totals = remote.run(settings, "reprocess")
    print(
        f"Rebuilt from {totals['batches']} archived batches: {totals['events']} events, "
        f"{totals['duplicates']} duplicates skipped, {totals['quarantined']} quarantined."
    )
    print(f"Rebuilt {totals.get('completions', 0)} survey completions from archived posts.")
    return 0
