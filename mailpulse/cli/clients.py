"""`clients create|list|revoke`: the OAuth clients that may post events."""

from __future__ import annotations

import argparse

from core.settings import Settings
from mailpulse import remote
from mailpulse.cli.console import actor, print_json


def add(verbs: argparse._SubParsersAction) -> None:
    clients = verbs.add_parser("clients", help="OAuth clients that may post events.")
    actions = clients.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="Create a client; prints its secret once.")
    create.add_argument("name", help="A unique name, e.g. sendgrid-prod.")
    create.add_argument("--role", default="sendgrid", help="Role the client holds.")
    create.add_argument("--description", help="What the client is for.")
    create.add_argument("--support-email", help="Whom to ask about this client.")
    create.add_argument("--json", action="store_true", help="Print JSON.")
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="List clients.")
    listing.add_argument("--json", action="store_true", help="Print JSON.")
    listing.set_defaults(handler=_list)
    revoke = actions.add_parser("revoke", help="Revoke a client; its tokens die at once.")
    revoke.add_argument("name_or_id", help="The client's name or id.")
    revoke.set_defaults(handler=_revoke)


def _create(settings: Settings, args: argparse.Namespace) -> int:
    new = remote.run(
        settings,
        "clients_create",
        actor=actor(),
        name=args.name,
        role=args.role,
        description=args.description,
        support_email=args.support_email,
    )
    if args.json:
        print_json(new)
        return 0
    print(f"Created client {new['name']} with role {', '.join(new['roles'])}.")
    print(f"client_id:     {new['client_id']}")
    print(f"client_secret: {new['client_secret']}")
    print("The secret is shown only now: store it in SendGrid's OAuth settings.")
    return 0


def _list(settings: Settings, args: argparse.Namespace) -> int:
    clients = remote.run(settings, "clients_list")
    if args.json:
        print_json(clients)
        return 0
    if not clients:
        print("No clients yet: create one with `mailpulse clients create NAME`.")
    for c in clients:
        state = (
            f"revoked {c['revoked_at']}" if c["revoked_at"] else f"{c['live_tokens']} live tokens"
        )
        print(f"{c['name']:<24} {c['client_id']:<24} {','.join(c['roles']):<10} {state}")
    return 0


def _revoke(settings: Settings, args: argparse.Namespace) -> int:
    result = remote.run(settings, "clients_revoke", name_or_id=args.name_or_id, actor=actor())
    print(f"Revoked client {result['revoked']}; its tokens no longer work.")
    return 0
