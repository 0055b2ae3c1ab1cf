"""Request counts of machine clients (``service`` keys), per key.

A messaging service calls the pre-send check for every message it delivers: an audit event per
call would write to the graph on the hot path and bury the audit trail in machine traffic. So
service calls are counted instead, in memory, and the counts are added to their key
(``ApiKey.requests``, ``ApiKey.last_used_at``; ``GET /keys`` shows them) every few seconds and
when the API stops. A crash loses at most the counts of that interval; the events a service
sends are recorded in the graph themselves (their receipts), so nothing else is lost.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import LiteralString

from sidedeal.graph.store import Store

ADD_COUNTS: LiteralString = """
UNWIND $rows AS row
MATCH (k:ApiKey {key_id: row.key_id})
SET k.requests = coalesce(k.requests, 0) + row.n,
    k.last_used_at = CASE WHEN k.last_used_at IS NULL OR k.last_used_at < datetime(row.last)
                          THEN datetime(row.last) ELSE k.last_used_at END
"""


class UsageCounter:
    """Thread-safe counts since the last :meth:`flush`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._last: dict[str, datetime] = {}

    def add(self, key_id: str) -> None:
        with self._lock:
            self._counts[key_id] = self._counts.get(key_id, 0) + 1
            self._last[key_id] = datetime.now(UTC)

    def pending(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def flush(self, store: Store) -> int:
        """Add the counts to their keys; on failure they are kept for the next flush."""
        with self._lock:
            counts, last = self._counts, self._last
            self._counts, self._last = {}, {}
        if not counts:
            return 0
        rows = [{"key_id": key, "n": n, "last": last[key].isoformat()} for key, n in counts.items()]
        try:
            store.write(ADD_COUNTS, {"rows": rows})
        except Exception:
            with self._lock:
                for key, n in counts.items():
                    self._counts[key] = self._counts.get(key, 0) + n
                    self._last[key] = max(self._last.get(key, last[key]), last[key])
            raise
        return sum(counts.values())
