"""`sources create|list|remove`: the survey tools that post completions."""

from __future__ import annotations

import argparse
import getpass

from core.errors import UserError
from core.settings import Settings
from mailpulse import remote
from mailpulse.cli.console import actor, print_json, read_text


def add(verbs: argparse._SubParsersAction) -> None:
    found = verbs.add_parser("sources", help="Survey tools that post completions.")
    actions = found.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="Add a source; a standard secret is shown once.")
    create.add_argument("name", help="A unique name, e.g. typeform-2026.")
    create.add_argument("--kind", required=True, choices=("standard", "typeform", "tally"))
    create.add_argument("--campaign", help="The campaign when the post does not name one.")
    create.add_argument("--secret-file", help="File whose first line is the tool's secret.")
    create.add_argument("--json", action="store_true", help="Print JSON.")
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="List sources (never their secrets).")
    listing.add_argument("--json", action="store_true", help="Print JSON.")
    listing.set_defaults(handler=_list)
    remove = actions.add_parser("remove", help="Remove a source; its posts get 404.")
    remove.add_argument("name", help="The source's name.")
    remove.set_defaults(handler=_remove)


def _secret(args: argparse.Namespace) -> str | None:
    if args.kind == "standard":
        if args.secret_file:
            raise UserError("A standard source makes its own secret: leave --secret-file out.")
        return None
    if args.secret_file:
        lines = read_text(args.secret_file).splitlines()
        return lines[0] if lines else ""
    return getpass.getpass(f"The signing secret set in {args.kind}: ")


def _create(settings: Settings, args: argparse.Namespace) -> int:
    new = remote.run(settings, "sources_create", name=args.name, kind=args.kind,
                     campaign=args.campaign, secret=_secret(args), actor=actor())  # fmt: skip
    if args.json:
        print_json(new if new["secret"] else {k: new[k] for k in ("name", "kind")})
        return 0
    print(f"Created source {new['name']} ({new['kind']}).")
    print(f"URL to paste into the tool: https://YOUR-HOST/api/webhooks/completions/{new['name']}")
    if new["secret"]:
        print(f"secret: {new['secret']}")
        print("The secret is shown only now: store it in the tool's webhook settings.")
    return 0


def _list(settings: Settings, args: argparse.Namespace) -> int:
    found = remote.run(settings, "sources_list")
    if args.json:
        print_json(found)
        return 0
    if not found:
        print("No sources yet: add one with `mailpulse sources create NAME --kind standard`.")
    for s in found:
        print(f"{s['name']:<24} {s['kind']:<9} {s['campaign'] or '-':<20} "
              f"{s['completed']} completed, {s['quarantined']} quarantined")  # fmt: skip
    return 0


def _remove(settings: Settings, args: argparse.Namespace) -> int:
    result = remote.run(settings, "sources_remove", name=args.name, actor=actor())
    print(f"Removed source {result['removed']}; its posts are refused from now on.")
    return 0
