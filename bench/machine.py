"""The line every bench prints first: when, on what machine, with which versions."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

import duckdb


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":")[1].strip() for line in lines if line.startswith("model name")), "")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    return f"{when}; {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB; {versions}"
