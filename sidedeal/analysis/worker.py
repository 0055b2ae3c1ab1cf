"""``sidedeal worker --every 1h``: run the analysis periodically until told to stop.

The worker survives a Neo4j restart (a failed run is logged and retried with exponential back-off,
capped at the period), never overlaps another run (the analysis lock), and stops cleanly on SIGTERM
or SIGINT: a run in progress finishes, then the loop exits.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from sidedeal.errors import Conflict, StoreUnavailable

log = logging.getLogger("sidedeal.worker")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_period(text: str) -> float:
    """'90s', '15m', '1h', '1d' (or a number of seconds) -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"period {text!r} is not like 90s, 15m, 1h or 1d")
    return float(match.group(1)) * UNITS[match.group(2) or "s"]


@dataclass
class WorkerStats:
    runs: int = 0
    failures: int = 0


class Worker:
    def __init__(
        self,
        run_once: Callable[[], object],
        every_s: float,
        *,
        max_backoff_s: float | None = None,
        max_runs: int | None = None,
    ) -> None:
        self.run_once = run_once
        self.every_s = every_s
        self.max_backoff_s = max_backoff_s if max_backoff_s is not None else every_s
        self.max_runs = max_runs
        self.stop = threading.Event()
        self.stats = WorkerStats()

    def install_signal_handlers(self) -> None:
        def handler(signum: int, frame: FrameType | None) -> None:
            log.info("signal %s received: stopping after the current run", signum)
            self.stop.set()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def loop(self) -> WorkerStats:
        backoff = 1.0
        while not self.stop.is_set():
            wait = self.every_s
            try:
                result = self.run_once()
                self.stats.runs += 1
                backoff = 1.0
                log.info("analysis run finished: %s", result)
            except StoreUnavailable as error:
                self.stats.failures += 1
                wait = min(backoff, self.max_backoff_s)
                backoff *= 2
                log.warning("Neo4j unavailable (%s); retrying in %.0fs", error.message, wait)
            except Conflict as error:
                log.warning("skipped: %s", error.message)
            if self.max_runs is not None and self.stats.runs >= self.max_runs:
                break
            self.stop.wait(wait)
        log.info("worker stopped after %d runs (%d failures)", self.stats.runs, self.stats.failures)
        return self.stats
