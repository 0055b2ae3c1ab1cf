"""Ingest runs that stopped without finishing: found, marked ``abandoned`` with the reason, and
named to the operator with the command that resumes them.

A running ingest holds a lease on its ``(:IngestRun)`` as the analysis holds its ``Lock``: it
records its host and pid and a ``heartbeat_at`` that a thread renews every ``heartbeat_s``. A run
still ``running`` is stale when its process is gone from this host, or its heartbeat is older
than ``stale_after_s`` (another host, or a hung process). Each later ``ingest`` (and ``neo4j up``)
marks stale runs ``abandoned``; loading the same directory again finishes the work, since every
write is idempotent.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import LiteralString, Self

from sidedeal.graph.store import Store

log = logging.getLogger("sidedeal.ingest")

RUNNING: LiteralString = """
MATCH (r:IngestRun {status: 'running'})
RETURN r.ingest_id AS ingest_id, r.directory AS directory, r.host AS host, r.pid AS pid,
       toString(coalesce(r.heartbeat_at, r.started_at)) AS last_seen,
       coalesce(r.heartbeat_at, r.started_at) < datetime() - duration({seconds: $stale})
         AS quiet
"""

ABANDON: LiteralString = """
MATCH (r:IngestRun {ingest_id: $ingest_id, status: 'running'})
SET r.status = 'abandoned', r.abandoned_at = datetime(), r.reason = $reason
RETURN r.ingest_id AS ingest_id
"""

HEARTBEAT: LiteralString = """
MATCH (r:IngestRun {ingest_id: $ingest_id, status: 'running'})
SET r.heartbeat_at = datetime()
"""


@dataclass(frozen=True)
class AbandonedRun:
    ingest_id: str
    directory: str
    reason: str

    @property
    def advice(self) -> str:
        """One line for the operator: what happened and the command that resumes it."""
        return (
            f"ingest {self.ingest_id} of {self.directory} stopped without finishing "
            f"({self.reason}); marked abandoned. Run `sidedeal ingest {self.directory}` again "
            "to finish it (loading is idempotent)"
        )


def this_process() -> tuple[str, int]:
    """(host, pid) as a run records them."""
    return socket.gethostname(), os.getpid()


def _gone(host: str | None, pid: int | None) -> bool:
    """Whether the run's process is known to be dead (only provable on this host)."""
    if host != socket.gethostname() or pid is None:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def mark_abandoned(store: Store, stale_after_s: float) -> list[AbandonedRun]:
    """Mark every stale ``running`` ingest ``abandoned`` (with the reason); return them."""
    marked: list[AbandonedRun] = []
    for run in store.read(RUNNING, {"stale": stale_after_s}):
        if _gone(run["host"], run["pid"]):
            reason = f"its process, pid {run['pid']} on {run['host']}, is gone"
        elif run["quiet"]:
            reason = f"no heartbeat since {run['last_seen']}, over {stale_after_s:g} s ago"
        else:
            continue
        if store.write(ABANDON, {"ingest_id": run["ingest_id"], "reason": reason}):
            marked.append(AbandonedRun(run["ingest_id"], run["directory"] or "?", reason))
    return marked


class Heartbeat:
    """Renews a running ingest's ``heartbeat_at`` every ``every_s`` seconds from a thread,
    between :meth:`start` and :meth:`stop` (or for a ``with`` block). A failed renewal is logged
    and tried again; the run's own writes decide whether Neo4j is lost."""

    def __init__(self, store: Store, ingest_id: str, every_s: float) -> None:
        self.store, self.ingest_id, self.every_s = store, ingest_id, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ingest-heartbeat", daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every_s + 5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.store.write(HEARTBEAT, {"ingest_id": self.ingest_id})
            except Exception as error:  # the run's own writes report a lost Neo4j
                log.debug("ingest heartbeat failed: %s", error)
