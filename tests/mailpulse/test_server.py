"""A real `mailpulse serve` process: CLI beside it, kill and restart, the README's curl session."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.database import Database
from core.settings import Settings
from harness.server import ROOT, Server
from mailpulse.server import STREAMLIT_OPTIONS, allowed_hosts
from simulator.company import build_company, roster_csv
from tests.conftest import fixture_bytes


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    running.start()
    yield running
    running.stop()


def test_serve_says_where_the_dashboard_and_the_receiver_answer(server: Server) -> None:
    url = server.url
    said = f"Dashboard: {url}/   receiver: {url}/api   (Ctrl-C stops)\n"
    assert said in server.log.read_text()


def test_cli_commands_succeed_while_a_server_runs(server: Server) -> None:
    token = server.token("sendgrid-prod")
    assert server.post(token, fixture_bytes("sample_batch.json")).status_code == 200

    listed = json.loads(server.cli("clients", "list", "--json").stdout)
    assert [c["name"] for c in listed] == ["sendgrid-prod"]
    reprocessed = server.cli("reprocess")
    assert reprocessed.returncode == 0 and "17 events" in reprocessed.stdout

    revoked = server.cli("clients", "revoke", "sendgrid-prod")
    assert revoked.returncode == 0, revoked.stderr
    assert server.post(token, b"[]").status_code == 401


def test_a_cli_mistake_beside_a_server_is_one_sentence_and_exit_1(server: Server) -> None:
    done = server.cli("clients", "revoke", "nobody")
    assert done.returncode == 1
    assert done.stderr.strip() == "mailpulse: No active client is named or has the id 'nobody'."


def test_the_admin_secret_file_is_private_to_its_owner(server: Server) -> None:
    admin_file = Path(server.env["MAILPULSE_DB"] + ".admin")
    assert admin_file.stat().st_mode & 0o777 == 0o600


def test_the_admin_api_refuses_a_wrong_secret(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/api/admin/commands/clients_list",
        json={},
        headers={"X-Mailpulse-Admin-Secret": "guess"},
    )
    assert response.status_code == 403


def test_a_server_killed_while_idle_restarts_with_everything_it_acknowledged(
    server: Server,
) -> None:
    token = server.token()
    bodies = [fixture_bytes(n) for n in ("sample_batch.json", "sample_batch_survey_synthetic.json")]
    acknowledged = sum(server.post(token, body).json()["stored"] for body in bodies)

    server.kill()
    database = Database(Path(server.env["MAILPULSE_DB"]))
    with database.cursor() as cur:
        stored = cur.execute("SELECT count(*) FROM events").fetchall()[0][0]
    database.close()

    assert stored == acknowledged == 37
    server.start()
    assert server.post(server.token("after-restart"), bodies[0]).json()["stored"] == 0


def test_the_readmes_curl_session_posts_the_sample_batch(server: Server) -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- curl-session.*?```bash\n(.*?)```", readme, re.S)
    assert block, "The README lost its curl session."
    # `mailpulse` is the one installed beside the interpreter running the tests, not one on PATH.
    path = f"{Path(sys.executable).parent}{os.pathsep}{server.env.get('PATH', '')}"
    env = {**server.env, "MAILPULSE_URL": server.url, "PATH": path}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.group(1)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "received": 18,
        "stored": 17,
        "duplicates": 1,
        "quarantined": 0,
    }


def websocket_status(server: Server, host: str) -> bytes:
    """The status line answering a browser's opening of the dashboard's websocket from a page
    at `host` (a DNS-rebinding page names its own host, and is its own origin)."""
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request.encode())
        return sock.recv(4096).split(b"\r\n")[0]


def test_the_dashboard_refuses_a_dns_rebinding_host_and_origin(server: Server) -> None:
    assert b" 101 " in websocket_status(server, f"127.0.0.1:{server.port}")
    assert b" 101 " in websocket_status(server, f"localhost:{server.port}")
    assert b" 101 " not in websocket_status(server, f"rebind.example:{server.port}")


def test_allowed_hosts_are_loopback_the_address_bound_and_the_setting(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "m.duckdb", allowed_hosts="hr.example, *.corp.example",
                        _env_file=None)  # fmt: skip
    loopback = ["localhost", "127.0.0.1", "::1"]
    assert allowed_hosts(settings, "10.1.2.3") == [*loopback, "10.1.2.3", "hr.example",
                                                   "*.corp.example"]  # fmt: skip
    assert allowed_hosts(settings, "0.0.0.0") == [*loopback, "hr.example", "*.corp.example"]


def test_a_roster_of_100k_employees_fits_the_upload_cap_twice_and_no_more_than_64_mb() -> None:
    size = len(roster_csv(build_company(100_000)).encode())
    assert 2 * size < STREAMLIT_OPTIONS["server.maxUploadSize"] * 2**20 <= 64 * 2**20
    assert STREAMLIT_OPTIONS["server.enableXsrfProtection"] is True
