"""Reports run on threads the operating system schedules after ingestion's."""

import os
import sys
import threading

import pytest

from core.priority import REPORT_NICENESS, REPORTS, lower_this_thread

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread niceness is Linux's")


def niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_a_report_runs_below_the_threads_that_ingest() -> None:
    ingesting = niceness()
    assert REPORTS.submit(niceness).result() == min(ingesting + REPORT_NICENESS, 19)
    assert niceness() == ingesting


def test_lowering_a_thread_twice_lowers_it_once() -> None:
    seen: list[int] = []

    def lower_twice() -> None:
        lower_this_thread()
        lower_this_thread()
        seen.append(niceness())

    worker = threading.Thread(target=lower_twice)
    worker.start()
    worker.join()
    assert seen == [min(niceness() + REPORT_NICENESS, 19)]
