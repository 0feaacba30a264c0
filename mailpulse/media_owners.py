"""Downloads open only for the browser that made them.

Streamlit serves every media file (a download button's CSV) at `/media/<id>` to whoever has the
URL. This middleware gives each browser an HttpOnly cookie, records which browser's session added
each file to Streamlit's media file manager, and answers 403 to any other client asking for it.
A file whose owner is unknown is refused too: when in doubt, nothing is served.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.runtime import Runtime
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

COOKIE = "mailpulse_browser"
MEDIA = "/media/"
KEPT = 10_000  # owners remembered; an older file is refused (Streamlit drops old files anyway)


class Owners:
    """Which browsers (cookie values) may fetch each media file id."""

    def __init__(self) -> None:
        self._by_file: OrderedDict[str, set[str]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, url: str, browser: str | None) -> None:
        if browser is None:
            return  # a session without the cookie owns nothing: its files are refused
        with self._lock:
            self._by_file.setdefault(file_id(url), set()).add(browser)
            self._by_file.move_to_end(file_id(url))
            while len(self._by_file) > KEPT:
                self._by_file.popitem(last=False)

    def allows(self, url: str, browser: str | None) -> bool:
        with self._lock:
            return browser is not None and browser in self._by_file.get(file_id(url), ())

    def watch(self, manager: MediaFileManager) -> None:
        """Records the session's browser for every file `manager` adds, eager or deferred."""
        add, deferred = manager.add, manager.execute_deferred

        def owned_add(*args, **kwargs) -> str:
            url = add(*args, **kwargs)
            ctx = get_script_run_ctx()
            self.add(url, browser_of(ctx.session_id) if ctx else None)
            return url

        def owned_deferred(placeholder: str) -> str:
            entry = manager._deferred_callables.get(placeholder, {})  # who registered it
            url = deferred(placeholder)
            self.add(url, browser_of(entry.get("session_id", "")))
            return url

        manager.add, manager.execute_deferred = owned_add, owned_deferred


def file_id(url: str) -> str:
    return os.path.splitext(url.rsplit("/", 1)[-1])[0]


def browser_of(session_id: str) -> str | None:
    client = Runtime.instance().get_client(session_id)
    context = getattr(client, "client_context", None)
    return context.cookies.get(COOKIE) if context is not None else None


class MediaOwners:
    """ASGI middleware: the cookie on a page (HTML) response, the owner check on `/media/`."""

    def __init__(self, app: ASGIApp, owners: Owners | None = None) -> None:
        self.app, self.owners = app, owners or Owners()
        self._watching = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not self._watching:  # the runtime exists once Streamlit's lifespan has run
            self.owners.watch(Runtime.instance().media_file_mgr)
            self._watching = True
        browser = HTTPConnection(scope).cookies.get(COOKIE)
        media = scope["type"] == "http" and scope["path"].startswith(MEDIA)
        if media and not self.owners.allows(scope["path"], browser):
            refused = PlainTextResponse(
                "This download belongs to another browser's session: open the dashboard "
                "and download it again there.",
                status_code=403,
            )
            await refused(scope, receive, send)
            return
        if scope["type"] == "http" and browser is None:
            send = with_cookie(send, secrets.token_urlsafe(32), scope.get("scheme") == "https")
        await self.app(scope, receive, send)


def with_cookie(send: Send, value: str, secure: bool) -> Callable:
    """Only the page itself sets it: the browser then sends it with every script, style and
    socket the page opens, and no late asset response can replace it."""
    attributes = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if headers.get("content-type", "").startswith("text/html"):
                headers.append("set-cookie", f"{COOKIE}={value}{attributes}")
        await send(message)

    return sending
