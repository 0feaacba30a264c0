"""The `mailpulse` command line: one sub-command per verb, errors as one sentence on stderr."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mailpulse import remote
from mailpulse.commands import CommandError
from mailpulse.database import DatabaseBusy
from mailpulse.funnel import SEGMENTS
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
    _add_roster_verbs(verbs)
    _add_report_verbs(verbs)

    reprocess = verbs.add_parser("reprocess", help="Rebuild events from the raw archive.")
    reprocess.set_defaults(handler=_reprocess)

    demo = verbs.add_parser(
        "demo", help="Serve a demo database while a simulated SendGrid posts a live campaign."
    )
    demo.add_argument("--employees", type=int, default=2000, help="Size of the synthetic company.")
    demo.add_argument("--port", type=int, default=8501, help="Port to serve the dashboard on.")
    demo.add_argument(
        "--speed",
        type=float,
        help="Story seconds per real second (default 300: a real minute "
        "tells five hours of the campaign).",
    )
    demo.add_argument("--seed", type=int, default=2025, help="Seed of the synthetic company.")
    demo.set_defaults(handler=_demo)
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


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from mailpulse import demo

    if args.employees < 1 or (args.speed is not None and args.speed <= 0):
        raise CommandError("--employees and --speed must be positive.")
    options = demo.DemoOptions(employees=args.employees, port=args.port, seed=args.seed)
    if args.speed is not None:
        options = dataclasses.replace(options, speed=args.speed)
    demo.run(settings, options, lambda line: print(line, flush=True))
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


def _add_roster_verbs(verbs: argparse._SubParsersAction) -> None:
    roster = verbs.add_parser("roster", help="The employees the survey is sent to.")
    roster_verbs = roster.add_subparsers(required=True, metavar="ACTION")
    imported = roster_verbs.add_parser("import", help="Import a roster CSV (employee_id,email).")
    imported.add_argument("file", help="The roster CSV file.")
    imported.add_argument(
        "--replace", action="store_true", help="Mark employees missing from the file inactive."
    )
    imported.set_defaults(handler=_roster_import)
    completions = verbs.add_parser("completions", help="Survey completions.")
    completion_verbs = completions.add_subparsers(required=True, metavar="ACTION")
    recorded = completion_verbs.add_parser(
        "import", help="Record completions from a CSV (employee_id or email, completed_at)."
    )
    recorded.add_argument("file", help="The completions CSV file.")
    recorded.add_argument("--campaign", required=True, help="The campaign they completed.")
    recorded.set_defaults(handler=_completions_import)


def _add_report_verbs(verbs: argparse._SubParsersAction) -> None:
    campaigns = verbs.add_parser("campaigns", help="Campaigns with event counts and times.")
    campaigns.add_argument("--json", action="store_true", help="Print JSON.")
    campaigns.set_defaults(handler=_campaigns)
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


def _roster_import(settings: Settings, args: argparse.Namespace) -> int:
    text = _read_text(args.file)
    result = remote.run(settings, "roster_import", text=text, replace=args.replace)
    print(
        f"Imported the roster: {result['inserted']} new, {result['updated']} updated, "
        f"{result['deactivated']} marked inactive."
    )
    return 0


def _completions_import(settings: Settings, args: argparse.Namespace) -> int:
    text = _read_text(args.file)
    result = remote.run(settings, "completions_import", text=text, campaign=args.campaign)
    print(
        f"Recorded completions of {result['recorded']} employees in {result['campaign']} "
        f"({result['new']} new)."
    )
    return 0


def _campaigns(settings: Settings, args: argparse.Namespace) -> int:
    rows = remote.run(settings, "campaigns_list")
    if args.json:
        _print_json(rows)
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
        _print_json(report)
        return 0
    print(f"{report['campaign']}: {sum(report['stages'].values()):,} employees")
    for name, count in [*report["stages"].items(), *report["flags"].items()]:
        print(f"  {name:<14} {count:>9,}")
    return 0


def _reminders(settings: Settings, args: argparse.Namespace) -> int:
    result = remote.run(settings, "reminders_export", campaign=args.campaign, segment=args.segment)
    data = result["csv"].encode("utf-8")
    if args.output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Cannot write {args.output}: {exc.strerror}.") from None
    print(f"Wrote {result['rows']} {args.segment} reminders of {args.campaign} to {args.output}.")
    return 0


def _read_text(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"There is no file {path}.") from None
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text: save it as CSV UTF-8.") from None
