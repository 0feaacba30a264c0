"""Ingestion first: reports run on threads the operating system schedules after SendGrid's posts.

When a report and ingestion both want the CPU, ingestion wins; while ingestion is idle, a report
runs as fast as ever. Linux gives each thread a niceness of its own; elsewhere nothing changes.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

REPORT_NICENESS = 10  # added to the process's own niceness; 19 is the lowest priority there is


def lower_this_thread() -> None:
    """From now on the calling thread yields the CPU to ingestion (no privilege needed)."""
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    target = min(os.getpriority(os.PRIO_PROCESS, os.getpid()) + REPORT_NICENESS, 19)
    with suppress(OSError):
        if os.getpriority(os.PRIO_PROCESS, thread) < target:
            os.setpriority(os.PRIO_PROCESS, thread, target)


REPORTS = ThreadPoolExecutor(
    max_workers=4, thread_name_prefix="mailpulse-report", initializer=lower_this_thread
)
