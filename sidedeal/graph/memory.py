"""How much memory the local Neo4j gets: sized for the machine unless the settings say otherwise.

A fixed 1g heap and 256m page cache made the first ingest a user ran 2.5x slower than the bench's
(which gave its server 2g and 1g): the page cache could not hold the store, so every batch read
from disk. ``plan`` follows what ``neo4j-admin server memory-recommendation`` does (the memory the
OS needs and the heap grow by brackets of total memory, the page cache takes the rest), applied to
the machine's memory less what sidedeal's own processes need (the API, the explorer, the worker
and an ingest, about 1.5 GiB together), and reads the container's limit where there is one, so a
server in a 4 GiB container is not sized for the 64 GiB host.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MIB = 1024 * 1024

# (total GiB, OS GiB, heap GiB), from Neo4j's memory recommendation; linear between points.
BRACKETS: tuple[tuple[float, float, float], ...] = (
    (1.0, 0.65, 0.3),
    (2.0, 1.0, 0.5),
    (4.0, 1.5, 2.0),
    (6.0, 2.0, 3.0),
    (8.0, 2.5, 3.5),
    (10.0, 3.0, 4.0),
    (12.0, 3.5, 4.5),
    (16.0, 4.0, 5.0),
    (24.0, 6.0, 8.0),
    (32.0, 8.0, 12.0),
    (64.0, 12.0, 24.0),
    (128.0, 16.0, 31.0),
    (256.0, 20.0, 31.0),
    (1024.0, 30.0, 31.0),
)
# Neo4j's own floors: below these it does not start or thrashes.
MIN_HEAP_MB = 256
MIN_PAGECACHE_MB = 128
# Above 31 GiB the JVM loses compressed object pointers: a bigger heap holds less.
MAX_HEAP_MB = 31 * 1024


@dataclass(frozen=True)
class MemoryPlan:
    """What the server is started with, and why (shown by ``sidedeal neo4j status``)."""

    heap_mb: int
    pagecache_mb: int
    source: str  # "auto" (sized for the machine), "settings", or "auto+settings"
    machine_mb: int
    reserved_mb: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        sized = (
            f"sized for {self.machine_mb:,} MiB less {self.reserved_mb:,} MiB for sidedeal"
            if self.source != "settings"
            else "from the settings"
        )
        return f"heap {self.heap_mb:,} MiB, page cache {self.pagecache_mb:,} MiB ({sized})"


def size_mb(size: str) -> int:
    """``"1g"``, ``"512m"``, ``"800k"`` or a byte count, in MiB (at least 1)."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024}
    text = size.strip().lower()
    if text and text[-1] in units:
        return max(1, int(float(text[:-1]) * units[text[-1]]))
    return max(1, int(text) // MIB)


def _interpolate(total_gib: float) -> tuple[float, float]:
    """(OS GiB, heap GiB) for a machine of ``total_gib``."""
    if total_gib <= BRACKETS[0][0]:
        _, os_gib, heap_gib = BRACKETS[0]
        scale = total_gib / BRACKETS[0][0]
        return os_gib * scale, heap_gib * scale
    for (lo_total, lo_os, lo_heap), (hi_total, hi_os, hi_heap) in itertools.pairwise(BRACKETS):
        if total_gib <= hi_total:
            share = (total_gib - lo_total) / (hi_total - lo_total)
            return lo_os + share * (hi_os - lo_os), lo_heap + share * (hi_heap - lo_heap)
    return BRACKETS[-1][1], BRACKETS[-1][2]


def recommend(available_mb: int) -> tuple[int, int]:
    """(heap MiB, page cache MiB) for ``available_mb`` of memory Neo4j may share with the OS."""
    os_gib, heap_gib = _interpolate(available_mb / 1024)
    heap = min(MAX_HEAP_MB, max(MIN_HEAP_MB, int(heap_gib * 1024)))
    pagecache = max(MIN_PAGECACHE_MB, available_mb - int(os_gib * 1024) - heap)
    return heap, pagecache


def machine_memory_mb(proc: Path = Path("/proc"), cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """Physical memory, or the container's limit when that is lower (cgroup v2, then v1)."""
    total = 0
    try:
        for line in (proc / "meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                total = int(line.split()[1]) // 1024
                break
    except OSError:
        pass
    for limit_file in (cgroup / "memory.max", cgroup / "memory" / "memory.limit_in_bytes"):
        try:
            raw = limit_file.read_text().strip()
        except OSError:
            continue
        if raw.isdigit():
            limit = int(raw) // MIB
            # cgroup v1 writes a huge number for "no limit".
            if 0 < limit < (total or limit + 1):
                total = limit
        break
    return total or 4096  # unreadable: plan for a small machine rather than a big one


def plan(heap: str, pagecache: str, reserve: str, machine_mb: int | None = None) -> MemoryPlan:
    """The heap and page cache for settings that may each be ``"auto"`` or a size."""
    machine = machine_memory_mb() if machine_mb is None else machine_mb
    reserved = size_mb(reserve)
    available = max(512, machine - reserved)
    auto_heap, auto_pagecache = recommend(available)
    heap_auto, pagecache_auto = heap.strip().lower() == "auto", pagecache.strip().lower() == "auto"
    if pagecache_auto and not heap_auto:
        # A heap chosen by hand leaves the page cache what the OS and that heap do not need.
        auto_pagecache = max(MIN_PAGECACHE_MB, auto_pagecache + auto_heap - size_mb(heap))
    source = (
        "auto"
        if heap_auto and pagecache_auto
        else "settings"
        if not (heap_auto or pagecache_auto)
        else "auto+settings"
    )
    return MemoryPlan(
        heap_mb=auto_heap if heap_auto else size_mb(heap),
        pagecache_mb=auto_pagecache if pagecache_auto else size_mb(pagecache),
        source=source,
        machine_mb=machine,
        reserved_mb=reserved,
    )
