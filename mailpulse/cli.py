"""The `mailpulse` command line: one sub-command per verb, errors as one sentence on stderr."""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mailpulse import remote
from mailpulse.commands import CommandError
from mailpulse.database import DatabaseBusy
from mailpulse.settings import Settings


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
        return args.handler(settings, args) or 0
    except ValidationError as exc:
        return _fail(f"The configuration is invalid: {_first_error(exc)}")
    except (CommandError, DatabaseBusy, ValueError) as exc:
        return _fail(str(exc))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="mailpulse", description=__doc__)
    verbs = root.add_subparsers(required=True, metavar="COMMAND")

    serve = verbs.add_parser("serve", help="Serve the dashboard at / and the receiver at /api.")
    serve.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
    serve.add_argument("--port", type=int, default=8501, help="Port to listen on.")
    serve.set_defaults(handler=_serve)

    clients = verbs.add_parser("clients", help="OAuth clients that may post events.")
    client_verbs = clients.add_subparsers(required=True, metavar="ACTION")
    create = client_verbs.add_parser("create", help="Create a client; prints its secret once.")
    create.add_argument("name", help="A unique name, e.g. sendgrid-prod.")
    create.add_argument("--role", default="sendgrid", help="Role the client holds.")
    create.add_argument("--description", help="What the client is for.")
    create.add_argument("--support-email", help="Whom to ask about this client.")
    create.add_argument("--json", action="store_true", help="Print JSON.")
    create.set_defaults(handler=_clients_create)
    listing = client_verbs.add_parser("list", help="List clients.")
    listing.add_argument("--json", action="store_true", help="Print JSON.")
    listing.set_defaults(handler=_clients_list)
    revoke = client_verbs.add_parser("revoke", help="Revoke a client; its tokens die at once.")
    revoke.add_argument("name_or_id", help="The client's name or id.")
    revoke.set_defaults(handler=_clients_revoke)

    reprocess = verbs.add_parser("reprocess", help="Rebuild events from the raw archive.")
    reprocess.set_defaults(handler=_reprocess)
    return root


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from mailpulse.server import is_loopback, serve

    if not is_loopback(args.host) and not _dashboard_protected(settings):
        raise CommandError(
            f"Refusing to serve the dashboard on {args.host} without protection: set "
            "MAILPULSE_DASHBOARD_PASSWORD or configure [auth] in .streamlit/secrets.toml."
        )
    serve(settings, args.host, args.port)
    return 0


def _dashboard_protected(settings: Settings) -> bool:
    if settings.dashboard_password.get_secret_value():
        return True
    for secrets_file in (Path(".streamlit/secrets.toml"), Path.home() / ".streamlit/secrets.toml"):
        if secrets_file.is_file() and "auth" in tomllib.loads(secrets_file.read_text()):
            return True
    return False


def _clients_create(settings: Settings, args: argparse.Namespace) -> int:
    new = remote.run(
        settings,
        "clients_create",
        name=args.name,
        role=args.role,
        description=args.description,
        support_email=args.support_email,
    )
    if args.json:
        _print_json(new)
    else:
        print(f"Created client {new['name']} with role {', '.join(new['roles'])}.")
        print(f"client_id:     {new['client_id']}")
        print(f"client_secret: {new['client_secret']}")
        print("The secret is shown only now: store it in SendGrid's OAuth settings.")
    return 0


def _clients_list(settings: Settings, args: argparse.Namespace) -> int:
    clients = remote.run(settings, "clients_list")
    if args.json:
        _print_json(clients)
        return 0
    if not clients:
        print("No clients yet: create one with `mailpulse clients create NAME`.")
    for c in clients:
        state = (
            f"revoked {c['revoked_at']}" if c["revoked_at"] else f"{c['live_tokens']} live tokens"
        )
        print(f"{c['name']:<24} {c['client_id']:<24} {','.join(c['roles']):<10} {state}")
    return 0


def _clients_revoke(settings: Settings, args: argparse.Namespace) -> int:
    result = remote.run(settings, "clients_revoke", name_or_id=args.name_or_id)
    print(f"Revoked client {result['revoked']}; its tokens no longer work.")
    return 0


def _reprocess(settings: Settings, args: argparse.Namespace) -> int:
    totals = remote.run(settings, "reprocess")
    print(
        f"Rebuilt from {totals['batches']} archived batches: {totals['events']} events, "
        f"{totals['duplicates']} duplicates skipped, {totals['quarantined']} quarantined."
    )
    return 0


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def _fail(message: str) -> int:
    print(f"mailpulse: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
