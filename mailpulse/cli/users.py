"""`users add|list|remove` and `audit`: who may use the dashboard, and what was done."""

from __future__ import annotations

import argparse

from core.settings import Settings
from mailpulse import remote
from mailpulse.cli.console import actor, print_json, read_text


def add(verbs: argparse._SubParsersAction) -> None:
    users = verbs.add_parser("users", help="Dashboard users and their roles.")
    actions = users.add_subparsers(required=True, metavar="ACTION")
    added = actions.add_parser("add", help="Add a user (or change their role or password).")
    added.add_argument("email", help="The user's email, as they sign in.")
    added.add_argument("--role", required=True, choices=("admin", "hr", "manager"))
    added.add_argument("--password-file", help="A file whose first line is the password.")
    added.set_defaults(handler=_add)
    listing = actions.add_parser("list", help="List users (never a password).")
    listing.add_argument("--json", action="store_true", help="Print JSON.")
    listing.set_defaults(handler=_list)
    removed = actions.add_parser("remove", help="Remove a user: they are out at their next click.")
    removed.add_argument("email", help="The user's email.")
    removed.set_defaults(handler=_remove)
    trail = verbs.add_parser("audit", help="The audit trail.")
    trail.add_argument("--since", help="Only from this ISO 8601 time on.")
    trail.add_argument("--json", action="store_true", help="Print JSON.")
    trail.set_defaults(handler=_audit)


def _add(settings: Settings, args: argparse.Namespace) -> int:
    password = None
    if args.password_file:
        lines = read_text(args.password_file).splitlines()
        password = lines[0] if lines else ""
    result = remote.run(settings, "users_add", email=args.email, role=args.role,
                        password=password, actor=actor())  # fmt: skip
    print(f"User {result['email']} is {result['role']}.")
    return 0


def _list(settings: Settings, args: argparse.Namespace) -> int:
    found = remote.run(settings, "users_list")
    if args.json:
        print_json(found)
        return 0
    if not found:
        print("No users yet: add one with `mailpulse users add EMAIL --role admin`.")
    for user in found:
        how = "password" if user["has_password"] else "single sign-on"
        print(f"{user['email']:<40} {user['role']:<8} {how}")
    return 0


def _remove(settings: Settings, args: argparse.Namespace) -> int:
    result = remote.run(settings, "users_remove", email=args.email, actor=actor())
    print(f"Removed user {result['removed']}.")
    return 0


def _audit(settings: Settings, args: argparse.Namespace) -> int:
    rows = remote.run(settings, "audit_list", since=args.since)
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        where = " ".join(f"{k}={row[k]}" for k in ("campaign", "segment", "rows") if row[k])
        print(f"{row['at']}  {row['actor']:<28} {row['action']:<16} {where} {row['detail'] or ''}")
    return 0
