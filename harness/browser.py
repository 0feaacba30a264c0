"""Debian's Chromium, as Playwright must launch it here (a test tool's own download fails)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when Chromium is installed."""
    if Path(CHROMIUM).exists():
        return None
    return (
        f"no Chromium at {CHROMIUM}: install Debian's package (`apt-get install chromium`, "
        "which `make test` does when run as root)"
    )


def may_skip() -> bool:
    """Only a machine without root may skip them: as root `make test` installs Chromium, so a
    missing one there (CI) is a failure, never a quiet skip."""
    return os.geteuid() != 0
