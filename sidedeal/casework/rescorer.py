"""The background re-score of what streamed events touched.

``POST /events`` writes its events and hands the buyer-seller pairs they touched to the API
process's one :class:`Rescorer`. Its thread scores again, with the analysis' own
:func:`sidedeal.analysis.run.rescore_pairs`, every pair handed in since its last pass, and their
sellers, in one call: under a burst of events one re-score covers many of them, and re-scores
never run two at a time in a process (``rescore_pairs`` wants one writer per seller). A flag is
raised or updated a pass after its event, within seconds; ``POST /events?wait=true`` waits for it.

Why not within the request: a re-score reads the seller's other pairs and links, two dozen
statements (40-150 ms on this machine when it is quiet, seconds under load, bench/RESULTS.md), so
an event answered only after it could not meet the event latency goal, and concurrent requests
would queue behind one another's re-scores. What a crash between the answer and the pass drops
is not lost: the events' writes stamp what changed, and the next periodic run scores it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sidedeal.analysis.config import Weights
from sidedeal.analysis.run import RunSummary, rescore_pairs
from sidedeal.errors import StoreUnavailable
from sidedeal.graph.store import Store

log = logging.getLogger("sidedeal.events")
Pair = tuple[str, str]
RETRY_AFTER_S = 2.0


@dataclass
class Pass:
    """One pass of the re-score: which tickets it covered and what it did."""

    ticket: int
    pairs: int
    summary: RunSummary | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass
class _State:
    pending: set[Pair] = field(default_factory=set)
    submitted: int = 0  # the last ticket handed out
    done: int = 0  # every ticket up to this one has been through a pass
    last: Pass | None = None


class Rescorer:
    """One thread per API process; see the module docstring."""

    def __init__(self, store: Store, weights: Callable[[], Weights]) -> None:
        self.store = store
        self.weights = weights
        self._state = _State()
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="event-rescore", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the pass in progress and what is pending, then stop."""
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def submit(self, pairs: set[Pair]) -> int:
        """Queue ``pairs`` for the next pass; the ticket :meth:`wait` takes."""
        with self._changed:
            self._state.pending |= pairs
            self._state.submitted += 1
            self._changed.notify_all()
            return self._state.submitted

    def wait(self, ticket: int, timeout: float) -> Pass | None:
        """The pass that covered ``ticket``, or None if none did within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._state.done < ticket:
                left = deadline - time.monotonic()
                if left <= 0 or (self._thread is not None and not self._thread.is_alive()):
                    return None
                self._changed.wait(left)
            return self._state.last

    def pending(self) -> int:
        with self._changed:
            return len(self._state.pending)

    def _take(self) -> tuple[set[Pair], int] | None:
        with self._changed:
            while not self._state.pending and not self._stop.is_set():
                self._changed.wait()
            if not self._state.pending:
                return None
            pairs, self._state.pending = self._state.pending, set()
            return pairs, self._state.submitted

    def _loop(self) -> None:
        while (taken := self._take()) is not None:
            pairs, ticket = taken
            started = time.perf_counter()
            outcome = Pass(ticket, len(pairs))
            try:
                outcome.summary = rescore_pairs(self.store, self.weights(), pairs, trigger="events")
            except StoreUnavailable as error:
                # Neo4j is away: keep the pairs and try again (the events are in the graph).
                log.warning("event re-score waits for Neo4j: %s", error.message)
                with self._changed:
                    self._state.pending |= pairs
                self._stop.wait(RETRY_AFTER_S)
                continue
            except Exception as error:  # the periodic run scores these pairs anyway
                log.exception("event re-score of %d pairs failed", len(pairs))
                outcome.error = f"{error.__class__.__name__}: {error}"
            outcome.seconds = round(time.perf_counter() - started, 3)
            with self._changed:
                self._state.done = ticket
                self._state.last = outcome
                self._changed.notify_all()
