"""`mailpulse serve`: one process, the dashboard at / and the receiver at /api."""

from __future__ import annotations

import ipaddress
import logging
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType

import streamlit as st
import uvicorn
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config as streamlit_config

import dashboard
from core import metrics, retention
from core.database import Database, close_shared, shared
from core.send_runner import JOB_FINISHED, Clock, Runner, utc_now
from core.settings import Settings, install_settings
from mailpulse import admin, alerts, connections
from mailpulse.admin import AdminAccess
from mailpulse.media_owners import MediaOwners
from receiver.app import create_app
from receiver.limits import Limits

DASHBOARD = Path(dashboard.__file__).resolve().parent / "app.py"
ROSTER_UPLOAD_MB = 32  # a 100k-employee roster CSV is ~10 MiB; Streamlit adds 1 MiB of framing
STREAMLIT_OPTIONS = {
    "client.toolbarMode": "viewer",  # no "Deploy" button: this is a product, not a notebook
    "browser.gatherUsageStats": False,
    "server.headless": True,
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,
    "server.maxUploadSize": ROSTER_UPLOAD_MB,
}
WILDCARDS = {"", "0.0.0.0", "::"}


def build(settings: Settings, host: str, port: int, clock: Clock = utc_now) -> st.App:
    """The app; `clock` is the send runner's (the demo's runs behind while it invites)."""
    install_settings(settings)
    for key, value in STREAMLIT_OPTIONS.items():
        streamlit_config.set_option(key, value)
    # A DNS-rebinding page names its own host: the dashboard's websocket refuses it.
    streamlit_config.set_option("server.allowedHosts", allowed_hosts(settings, host))
    database = shared(settings.db)
    access = AdminAccess.publish(settings.admin_file, f"{local_url(host, port)}/api/admin")
    receiver = admin.attach(create_app(settings, database), access)
    metrics.publish(receiver.state.metrics)
    teams_alerts = alerts.start(database, settings, receiver.state.metrics)  # its own thread
    if _send_finished not in JOB_FINISHED:
        JOB_FINISHED.append(_send_finished)  # Teams hears of every finished send job
    retention_check = retention_thread(settings, database)

    @asynccontextmanager
    async def lifespan(_: st.App) -> AsyncIterator[None]:
        # send jobs, asked for by the CLI or the dashboard
        sender = Runner(database, settings, clock=clock)
        sender.start()
        try:
            yield
        finally:
            if teams_alerts:
                teams_alerts.stop()
            retention_check.set()
            access.withdraw()
            sender.stop()
            close_shared(settings.db)

    api_first = Middleware(ApiFirst, api=receiver, prefix="/api")  # /api has its own limits
    limits = Middleware(Limits, caps={}, default_cap=(ROSTER_UPLOAD_MB + 1) * 2**20,
                        body_seconds=settings.body_timeout_seconds)  # fmt: skip
    middleware = [api_first, limits, Middleware(MediaOwners)]
    return st.App(str(DASHBOARD), middleware=middleware, lifespan=lifespan)


def allowed_hosts(settings: Settings, host: str) -> list[str]:
    """The names a browser may reach the dashboard by: loopback, the address bound (unless a
    wildcard) and MAILPULSE_ALLOWED_HOSTS (comma-separated; `*.example.com` for subdomains)."""
    named = [name.strip() for name in settings.allowed_hosts.split(",") if name.strip()]
    if host in WILDCARDS and not named:
        logging.getLogger(__name__).warning(
            "Bound to all interfaces with no MAILPULSE_ALLOWED_HOSTS: the dashboard answers "
            "browsers on loopback only; set it to the names browsers use."
        )
    bound = [] if host in WILDCARDS or is_loopback(host) else [host]
    return ["localhost", "127.0.0.1", "::1", *bound, *named]


FIRST_RETENTION_CHECK_SECONDS = 600


def retention_thread(settings: Settings, database: Database) -> threading.Event:
    """Purges campaigns past MAILPULSE_RETENTION_DAYS daily, the first time 10 minutes after
    start (a server restarted in a loop, or a test's, purges nothing); set to stop."""
    stop = threading.Event()
    fields = (settings.campaign_field, settings.employee_field)

    def run() -> None:
        wait = FIRST_RETENTION_CHECK_SECONDS
        while not stop.wait(wait):
            wait = 24 * 3600
            try:
                retention.purge_due(database, settings.retention_days, fields,
                                    settings.bot_click_seconds)  # fmt: skip
            except Exception:  # a failed check is retried tomorrow, never stops the server
                logging.getLogger(__name__).exception("The daily retention check failed.")

    threading.Thread(target=run, name="mailpulse-retention", daemon=True).start()
    return stop


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


class Server(uvicorn.Server):
    """Uvicorn that says where it answers once it listens, and on Ctrl-C first calls
    `before_exit` (the demo stops posting, so no post meets a closing server).

    Unlike uvicorn's own handler it does not raise the signal again after shutting down: that
    re-raised Ctrl-C interrupts Streamlit's lifespan and prints a traceback.
    """

    def __init__(
        self,
        config: uvicorn.Config,
        on_ready: Callable[[], None],
        before_exit: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(config)
        self._on_ready, self._before_exit = on_ready, before_exit

    async def startup(self, sockets: list | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_ready()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        threading.Thread(target=self._before_exit, daemon=True).start()
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True  # a second Ctrl-C: stop without waiting for connections
        self.should_exit = True


def serve(settings: Settings, host: str, port: int, say: Callable[[str], None]) -> None:
    app = build(settings, host, port)
    config = connections.config(app, host, port, settings.header_timeout_seconds)
    Server(config, on_ready=lambda: say(where(host, port))).run()


def _send_finished(job: dict) -> None:
    fields = ("job_id", "campaign", "segment", "counts")
    alerts.job_finished(alerts.JobSummary(*(job[name] for name in fields)))


def where(host: str, port: int) -> str:
    url = local_url(host, port)
    listening = "" if is_loopback(host) else f" (listening on {host}:{port})"
    return f"Dashboard: {url}/   receiver: {url}/api{listening}   (Ctrl-C stops)"


def local_url(host: str, port: int) -> str:
    """The loopback URL the CLI reaches a server bound to `host` by."""
    return f"http://{'[::1]' if host in ('::', '::1') else '127.0.0.1'}:{port}"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
