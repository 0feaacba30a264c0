"""A local OpenID Connect provider (PyPI `oidc-provider-mock`) in its own process, and the
Streamlit `[auth]` secrets that point a mailpulse server at it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from harness.server import free_port


class Provider:
    """Any client id and secret are accepted; its sign-in form takes a `sub`, and a `sub` it was
    not told about gets the claims `{"email": sub}`."""

    def __init__(self, folder: Path) -> None:
        self.log = folder / "oidc.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(self.port)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/.well-known/openid-configuration", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"The OIDC provider did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def secrets(self, home: Path, dashboard_url: str) -> None:
        """Writes `home/.streamlit/secrets.toml`: a server run with HOME=home signs in here."""
        folder = home / ".streamlit"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "{dashboard_url}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
            'client_id = "mailpulse"\n'
            'client_secret = "mailpulse-test-secret"\n'
            f'server_metadata_url = "{self.url}/.well-known/openid-configuration"\n'
        )
