"""A flood of forged and unauthenticated posts beside genuine ingest: nothing forged is stored."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from harness.floods import forge, forgeries_stored, genuine_rate, send_all
from harness.server import Server, rss_mb
from simulator.credentials import Signer

FLOOD = 2_100  # the soak (bench/soak.py) sends 20,000


def test_a_flood_stores_nothing_forged_while_genuine_ingest_goes_on(tmp_path) -> None:
    """The rate beside the flood against the rate alone is measured by bench/soak.py."""
    key, forger = Signer(), Signer()
    server = Server(tmp_path)
    server.env["MAILPULSE_SENDGRID_PUBLIC_KEYS"] = key.public_key
    server.start()
    try:
        token = server.token()
        memory_before = rss_mb(server.process.pid)
        posts, flowing = forge(token, forger, FLOOD), threading.Event()
        with ThreadPoolExecutor(1) as flood_pool:
            flood = flood_pool.submit(send_all, server, posts, flowing)
            assert flowing.wait(30)
            genuine_rate(server, token, key, 20)  # every genuine post must still get its 200
            codes = flood.result()
        memory_after = rss_mb(server.process.pid)
        metrics = httpx.get(f"{server.url}/api/metrics").text
    finally:
        server.stop()

    assert sorted(set(codes)) == [401, 403]
    assert memory_after < memory_before + 100
    for reason in ("missing_token", "invalid_token", "bad_signature"):
        assert f'mailpulse_auth_failures_total{{reason="{reason}"}} {FLOOD // 3}' in metrics
    assert forgeries_stored(Path(server.env["MAILPULSE_DB"])) == 0
