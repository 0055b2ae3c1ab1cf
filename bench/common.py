"""Shared set-up for benchmarks: a Neo4j of their own (port 7689) and a machine description.

Benchmarks wipe their graph, so they never use the demo's server (7687) or the tests' (7688).
"""

from __future__ import annotations

import os
import platform
import resource
from pathlib import Path

from sidedeal.graph import schema, server
from sidedeal.graph.store import Store
from sidedeal.settings import Settings

REPO = Path(__file__).resolve().parents[1]


# The sizes every bench used before the server sized itself for the machine ("auto", the
# default): kept to compare against, never the headline.
TUNED_MEMORY = {"neo4j_heap": "2g", "neo4j_pagecache": "1g"}


def bench_settings(**overrides: str) -> Settings:
    """The bench server's settings: the user's defaults (memory "auto") unless overridden."""
    return Settings(
        environment="test",
        neo4j_uri=os.environ.get("SIDEDEAL_BENCH_NEO4J_URI", "bolt://127.0.0.1:7689"),
        data_dir=REPO / ".data",
    ).model_copy(update=overrides)


def bench_store(settings: Settings | None = None) -> Store:
    settings = settings or bench_settings()
    server.up(settings)
    store = Store.from_settings(settings)
    schema.migrate(store)
    return store


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB.

    Linux's VmHWM starts afresh when a process execs; ``ru_maxrss`` does not (a child started by
    a parent that had grown to 300 MiB reports 300 MiB from its first line), so it is the fallback.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
