"""What every bench prints about the machine: when, which machine and versions, peak memory."""

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


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of process `pid`'s resident memory."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
