"""`serve` and `demo`: the verbs that run the server."""

from __future__ import annotations

import argparse
import dataclasses
import tomllib
from pathlib import Path

from core.errors import UserError
from core.settings import Settings


def add(verbs: argparse._SubParsersAction) -> None:
    serve = verbs.add_parser("serve", help="Serve the dashboard at / and the receiver at /api.")
    serve.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
    serve.add_argument("--port", type=int, default=8501, help="Port to listen on.")
    serve.set_defaults(handler=_serve)

    demo = verbs.add_parser(
        "demo",
        help="Serve a demo database: a campaign sent through a fake SendGrid, its events back.",
    )
    demo.add_argument("--employees", type=int, default=2000, help="Size of the synthetic company.")
    demo.add_argument("--port", type=int, default=8501, help="Port to serve the dashboard on.")
    demo.add_argument(
        "--speed",
        type=float,
        help="Campaign seconds per real second after the campaign's past (default 1: real "
        "time; 60: a real minute tells an hour, so a reminder's readers come within minutes).",
    )
    demo.add_argument("--seed", type=int, default=2025, help="Seed of the synthetic company.")
    demo.set_defaults(handler=_demo)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from mailpulse.server import is_loopback, serve

    if not is_loopback(args.host) and not _dashboard_protected(settings):
        raise UserError(
            f"Refusing to serve the dashboard on {args.host} without protection: set "
            "MAILPULSE_DASHBOARD_PASSWORD or configure [auth] in .streamlit/secrets.toml."
        )
    serve(settings, args.host, args.port, lambda line: print(line, flush=True))
    return 0


def _dashboard_protected(settings: Settings) -> bool:
    if settings.dashboard_password.get_secret_value():
        return True
    for secrets_file in (Path(".streamlit/secrets.toml"), Path.home() / ".streamlit/secrets.toml"):
        if secrets_file.is_file() and "auth" in tomllib.loads(secrets_file.read_text()):
            return True
    return False


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from mailpulse import demo

    if args.employees < 1 or (args.speed is not None and args.speed <= 0):
        raise UserError("--employees and --speed must be positive.")
    options = demo.DemoOptions(employees=args.employees, port=args.port, seed=args.seed)
    if args.speed is not None:
        options = dataclasses.replace(options, speed=args.speed)
    demo.run(settings, options, lambda line: print(line, flush=True))
    return 0
