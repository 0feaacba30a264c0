"""`mailpulse serve`: one process, the dashboard at / and the receiver at /api."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
import uvicorn
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config as streamlit_config

from mailpulse.database import close_shared, shared
from mailpulse.settings import Settings, install_settings
from receiver import metrics
from receiver.admin import AdminAccess
from receiver.app import create_app

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


STREAMLIT_OPTIONS = {
    "client.toolbarMode": "viewer",  # no "Deploy" button: this is a product, not a notebook
    "browser.gatherUsageStats": False,
    "server.headless": True,
}


def build(settings: Settings, host: str, port: int) -> st.App:
    install_settings(settings)
    for key, value in STREAMLIT_OPTIONS.items():
        streamlit_config.set_option(key, value)
    database = shared(settings.db)
    admin = AdminAccess.publish(settings.admin_file, f"http://{loopback_of(host)}:{port}/api/admin")
    receiver = create_app(settings, database, admin)
    metrics.publish(receiver.state.metrics)

    @asynccontextmanager
    async def lifespan(_: st.App) -> AsyncIterator[None]:
        try:
            yield
        finally:
            admin.withdraw()
            close_shared(settings.db)

    api_first = Middleware(ApiFirst, api=receiver, prefix="/api")
    return st.App(str(DASHBOARD), middleware=[api_first], lifespan=lifespan)


class ApiFirst:
    """Sends `prefix/...` straight to the receiver, past the dashboard's own middleware (path
    checks, sessions, gzip): a webhook post, genuine or forged, costs only the receiver's work."""

    def __init__(self, app: ASGIApp, api: ASGIApp, prefix: str) -> None:
        self.app, self.api, self.prefix = app, api, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix + "/"):
            scope = {**scope, "root_path": scope.get("root_path", "") + self.prefix}
            await self.api(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def serve(settings: Settings, host: str, port: int) -> None:
    # No access log: every SendGrid post would be a line; /api/metrics counts them instead.
    uvicorn.run(build(settings, host, port), host=host, port=port, access_log=False)


def loopback_of(host: str) -> str:
    """The loopback address the CLI can reach a server bound to `host` by."""
    return "[::1]" if host in ("::", "::1") else "127.0.0.1"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
