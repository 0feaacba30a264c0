"""How long each dashboard page takes to draw in Chromium with N events stored.

python -m bench.pages --stored 1000000
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.dashboard import render_seconds
from bench.dataset import employees_for, preload
from harness.server import Server

READY = {  # what shows that a page has drawn its data
    "": ".js-plotly-plot",
    "people": "[data-testid='stDataFrame']",
    "teams": ".js-plotly-plot",
    "reminders": "[data-testid='stDataFrame']",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp))
        preload(Path(server.env["MAILPULSE_DB"]), args.stored)
        server.start()
        try:
            print(f"{args.stored:,} events stored, {employees_for(args.stored):,} employees")
            for page, ready in READY.items():
                seconds, charts = render_seconds(f"{server.url}/{page}", ready)
                print(f"{page or 'overview'}: {seconds:.2f} s ({charts} charts)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
