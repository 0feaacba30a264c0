"""A send killed with SIGKILL at random moments, and restarted, mails nobody twice."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import orjson

from harness.server import ROOT, Server
from simulator.mailsend import FakeMailSend
from simulator.sent_events import events_for

PEOPLE = 6000


def test_a_send_killed_several_times_mails_nobody_twice_and_the_lost_turn_accepted(
    tmp_path: Path,
) -> None:
    fake = FakeMailSend(delay=0.15)
    server = Server(tmp_path)
    server.env |= {"MAILPULSE_SENDGRID_API_URL": fake.start(),
                   "MAILPULSE_SENDGRID_API_KEY": fake.api_key,
                   "MAILPULSE_FROM_EMAIL": "hr@corp.example"}  # fmt: skip
    server.start()
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,email\n" + "".join(
        f"E{n:05},p{n}@corp.example\n" for n in range(PEOPLE)))  # fmt: skip
    assert server.cli("roster", "import", str(roster)).returncode == 0
    assert (
        server.cli(
            "campaigns",
            "create",
            "c",
            "--subject",
            "S",
            "--survey-url",
            "https://s.example/{token}",
            "--body",
            str(roster),
        ).returncode
        == 0
    )
    command = [sys.executable, "-m", "mailpulse", "send", "--campaign", "c", "--segment",
               "not_sent"]  # fmt: skip
    follower = subprocess.Popen(command, env=server.env, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)  # fmt: skip
    while not json.loads(server.cli("sends", "--campaign", "c", "--json").stdout)["jobs"]:
        time.sleep(0.1)  # the job is asked for through the server before the first kill
    rng = random.Random(3)
    for _ in range(3):
        time.sleep(rng.uniform(0.1, 0.8))
        server.kill()
        server.start()
    follower.wait(30)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        jobs = json.loads(server.cli("sends", "--campaign", "c", "--json").stdout)["jobs"]
        if jobs and jobs[0]["finished_at"]:
            break
        time.sleep(0.5)
    counts = jobs[0]["counts"]
    mailed = [args["employee_id"] for args in fake.recipients()]
    assert len(mailed) == len(set(mailed))  # nobody twice
    assert counts["queued"] == counts["sending"] == counts["failed"] == 0
    assert counts["accepted"] + counts["uncertain"] == PEOPLE  # nobody left out
    token = server.token()
    for accepted in fake.accepted:
        body = orjson.dumps([event for _, event in events_for(accepted)])
        assert server.post(token, body).status_code == 200
    time.sleep(5)  # the runner looks for send ids every few seconds
    counts = json.loads(server.cli("sends", "--campaign", "c", "--json").stdout)["jobs"][0][
        "counts"
    ]
    assert counts["accepted"] == len(mailed) and counts["uncertain"] == PEOPLE - len(mailed)
    server.stop()
    fake.stop()
