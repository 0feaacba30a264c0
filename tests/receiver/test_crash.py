"""SIGKILL under sustained signed ingest: every acknowledged batch survives, none in part."""

from __future__ import annotations

from pathlib import Path

from harness.crashes import kill_rounds, stored_keys
from harness.server import Server
from simulator.credentials import Signer

KILLS = 3  # the soak (bench/soak.py) kills 20 times


def test_sigkill_during_ingest_loses_no_acknowledged_batch_and_stores_none_in_part(
    tmp_path: Path,
) -> None:
    key = Signer()
    server = Server(tmp_path)
    server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = key.public_key
    server.start()
    sent, acked, restarts = kill_rounds(server, key, KILLS)
    server.stop()

    stored = stored_keys(Path(server.env["MAILPULSE_DB"]))
    assert len(acked) > 10 * KILLS, "too little ingest to prove anything"
    assert max(restarts) < 15, "not ready again within seconds"
    assert max(stored.values()) == 1, "an event was stored twice"
    for keys in acked:
        assert all(stored[k] == 1 for k in keys), "an acknowledged batch was lost"
    for keys in sent:
        assert len({stored[k] for k in keys}) == 1, "a batch was stored in part"
