"""Failed token logins slow down, per client id and per peer, and every one is logged.

A failure is answered after a delay that doubles with the recent failures of its client id or
its peer (the larger count), past a few free ones, up to `cap` seconds; a right secret is never
delayed. Counts fade after `window` seconds of quiet, and only the most recent `keys` client ids
and peers are remembered, so a flood of made-up names costs bounded memory.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class LoginBackoff:
    free: int = 3
    base: float = 0.25
    cap: float = 5.0
    window: float = 900.0
    keys: int = 10_000
    _failures: OrderedDict[tuple[str, str], tuple[int, float]] = field(
        default_factory=OrderedDict, init=False
    )

    def failed(self, client_id: str, peer: str) -> float:
        """Counts a failed login and logs it; returns how long to wait before answering."""
        by_client, by_peer = self._count(("client", client_id)), self._count(("peer", peer))
        beyond = max(by_client, by_peer) - self.free
        delay = min(self.cap, self.base * 2 ** (beyond - 1)) if beyond > 0 else 0.0
        log.warning(
            "A token login failed for client id %r from %s (recent failures: %d for the client "
            "id, %d from the peer); answered in %.2f s.",
            client_id[:64], peer, by_client, by_peer, delay,
        )  # fmt: skip
        return delay

    def succeeded(self, client_id: str) -> None:
        self._failures.pop(("client", client_id), None)

    def _count(self, key: tuple[str, str]) -> int:
        now = time.monotonic()
        count, last = self._failures.pop(key, (0, now))
        count = 1 if now - last > self.window else count + 1
        self._failures[key] = (count, now)
        while len(self._failures) > self.keys:
            self._failures.popitem(last=False)
        return count
