"""The local Neo4j's memory: sized for the machine (or its container) unless the settings say."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from sidedeal.graph.memory import machine_memory_mb, plan, recommend
from sidedeal.settings import Settings

GIB = 1024


def test_a_24_gib_machine_gives_neo4j_far_more_than_the_old_fixed_1g_and_256m() -> None:
    sizes = plan("auto", "auto", "1536m", machine_mb=24 * GIB)
    assert sizes.source == "auto"
    assert sizes.heap_mb >= 4 * GIB
    assert sizes.pagecache_mb >= 4 * GIB
    # Room is left for the OS and for sidedeal's own processes.
    assert sizes.heap_mb + sizes.pagecache_mb <= 24 * GIB - 1536 - 4 * GIB


@pytest.mark.parametrize("machine_gib", [2, 4, 8, 16, 32, 64, 128, 512])
def test_the_plan_never_takes_more_than_the_machine_has_after_the_reserve(machine_gib: int) -> None:
    sizes = plan("auto", "auto", "1536m", machine_mb=machine_gib * GIB)
    assert sizes.heap_mb + sizes.pagecache_mb <= max(512, machine_gib * GIB - 1536)
    assert sizes.heap_mb <= 31 * GIB  # compressed pointers end above 31 GiB


def test_bigger_machines_never_get_less() -> None:
    previous = (0, 0)
    for available in range(512, 300 * GIB, 997):
        heap, pagecache = recommend(available)
        assert heap >= previous[0] and heap + pagecache >= sum(previous)
        previous = (heap, pagecache)


def test_sizes_from_the_settings_win_and_a_fixed_heap_leaves_the_rest_to_the_page_cache() -> None:
    fixed = plan("2g", "1g", "1536m", machine_mb=24 * GIB)
    assert (fixed.heap_mb, fixed.pagecache_mb, fixed.source) == (2048, 1024, "settings")
    auto = plan("auto", "auto", "1536m", machine_mb=24 * GIB)
    mixed = plan("2g", "auto", "1536m", machine_mb=24 * GIB)
    assert mixed.source == "auto+settings"
    assert mixed.heap_mb == 2048
    assert mixed.pagecache_mb == auto.pagecache_mb + auto.heap_mb - 2048


def test_a_container_limit_below_the_host_memory_is_what_counts(tmp_path: Path) -> None:
    proc, cgroup = tmp_path / "proc", tmp_path / "cgroup"
    proc.mkdir()
    cgroup.mkdir()
    (proc / "meminfo").write_text("MemTotal:       65536000 kB\nMemFree: 1 kB\n")
    assert machine_memory_mb(proc, cgroup) == 64000
    (cgroup / "memory.max").write_text(f"{4 * 1024**3}\n")
    assert machine_memory_mb(proc, cgroup) == 4 * GIB
    (cgroup / "memory.max").write_text("max\n")  # cgroup v2: no limit
    assert machine_memory_mb(proc, cgroup) == 64000
    (cgroup / "memory.max").unlink()
    (cgroup / "memory").mkdir()
    (cgroup / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1: none
    assert machine_memory_mb(proc, cgroup) == 64000


def test_a_bad_memory_setting_is_refused_naming_what_is_accepted() -> None:
    with pytest.raises(ValidationError) as error:
        Settings(neo4j_heap="lots")
    assert "auto" in str(error.value) and "lots" in str(error.value)
    assert Settings(neo4j_pagecache="1.5G").neo4j_pagecache == "1.5g"
