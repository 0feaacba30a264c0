"""The simulated SendGrid against a real `mailpulse serve`: what it posted is what is stored."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.database import Database
from harness.server import Server
from simulator.company import build_company
from simulator.credentials import Signer
from simulator.sendgrid import Options, SendGrid
from simulator.simulation import Simulation
from simulator.timeline import build_timeline

TOKEN_TTL_SECONDS = 4  # several tokens within the run: the simulator must fetch new ones
FAST = Options(interval=0.3, repeat_share=0.3, repeat_after=(1.1, 1.6), retry_first=0.1, seed=1)


@pytest.fixture
def signer() -> Signer:
    return Signer()


@pytest.fixture
def served(tmp_path: Path, signer: Signer) -> Iterator[Server]:
    server = Server(tmp_path)
    server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = signer.public_key
    server.env["MAILPULSE_TOKEN_TTL_SECONDS"] = str(TOKEN_TTL_SECONDS)
    server.start()
    yield server
    server.stop()


def sendgrid_for(server: Server, signer: Signer, options: Options = FAST) -> SendGrid:
    creds = json.loads(server.cli("clients", "create", f"sim-{time.time_ns()}", "--json").stdout)
    return SendGrid(server.url, creds["client_id"], creds["client_secret"], signer, options)


def stored_event_ids(server: Server) -> list[str]:
    database = Database(Path(server.env["MAILPULSE_DB"]))
    try:
        with database.cursor() as cur:
            return [row[0] for row in cur.execute("SELECT sg_event_id FROM events").fetchall()]
    finally:
        database.close()


def test_what_the_simulator_posted_minus_its_repeats_is_exactly_what_is_stored(
    served: Server, signer: Signer
) -> None:
    timeline = build_timeline(build_company(300, seed=1), speed=5000, seed=1)
    simulation = Simulation(sendgrid_for(served, signer))
    simulation.add(timeline.events, timeline.completions)
    simulation.start()
    time.sleep(4)
    simulation.stop()
    served.stop()  # the database file is ours to read now

    sent = simulation.progress().sendgrid
    stored = stored_event_ids(served)
    assert sent.answers_rejected == sent.connection_errors == sent.events_abandoned == 0
    assert sent.batches_repeated > 0 and sent.duplicates == sent.events_repeated
    assert len(stored) == len(set(stored)) == sent.events_accepted == sent.events_stored > 500
    assert set(stored) <= {t.event["sg_event_id"] for t in timeline.events}
    assert sent.tokens_fetched >= 2


def test_a_refused_batch_is_retried_with_growing_intervals_until_stopped(
    served: Server, signer: Signer
) -> None:
    impostor = sendgrid_for(served, Signer())  # a key the receiver does not know: 403
    batch = [t.event for t in build_timeline(build_company(5), speed=5000).events]
    outcome: list[bool] = []
    worker = threading.Thread(target=lambda: outcome.append(impostor.deliver(batch)))
    worker.start()
    time.sleep(1.0)  # 0.1 + 0.2 + 0.4 s of waits: four attempts, not ten
    impostor.stop()
    worker.join(5)

    counters = impostor.counters()
    assert outcome == [False]
    assert 3 <= counters.answers_rejected <= 5
    assert counters.last_refusal.startswith("403")
    assert counters.events_abandoned == len(batch) and counters.events_accepted == 0
