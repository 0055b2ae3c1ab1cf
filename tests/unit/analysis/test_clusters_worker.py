"""Clusters (components, Louvain for giants, stable ids) and the periodic worker's loop."""

from __future__ import annotations

import random

import pytest

from sidedeal.analysis.clusters import Group, assign_ids, find_groups, new_cluster_id
from sidedeal.analysis.config import load_weights
from sidedeal.analysis.worker import Worker, parse_period
from sidedeal.errors import StoreUnavailable

PARAMS = load_weights().clusters


def test_components_over_strong_links_only() -> None:
    edges = [("a", "b", 0.9), ("b", "c", 0.5), ("c", "d", 0.05), ("x", "y", 0.3)]
    groups = find_groups(edges, PARAMS)
    assert [sorted(g.members) for g in groups] == [["a", "b", "c"], ["x", "y"]]
    assert not any(g.split for g in groups)


def test_a_hub_cannot_glue_two_rings_into_one_giant() -> None:
    ring_a = [(f"a{i}", f"a{j}", 0.9) for i in range(90) for j in range(i + 1, 90) if (j - i) <= 3]
    ring_b = [(f"b{i}", f"b{j}", 0.9) for i in range(90) for j in range(i + 1, 90) if (j - i) <= 3]
    hub = [("hub", "a0", 0.3), ("hub", "b0", 0.3)]
    groups = find_groups(ring_a + ring_b + hub, PARAMS)
    assert all(g.split for g in groups)
    biggest = max(groups, key=lambda g: len(g.members))
    assert len(biggest.members) < 150
    for group in groups:  # no community mixes the two rings
        assert len({m[0] for m in group.members if m != "hub"}) == 1


def test_the_split_of_a_giant_does_not_depend_on_the_order_edges_arrive_in() -> None:
    """Neo4j returns pairs in no set order; the same graph must give the same clusters."""
    rng = random.Random(5)
    edges = [(f"a{i}", f"a{j}", 0.9) for i in range(200) for j in range(i + 1, 200) if j - i <= 2]
    edges += [(f"a{rng.randrange(200)}", f"a{rng.randrange(200)}", 0.5) for _ in range(150)]
    edges = [(a, b, w) for a, b, w in edges if a != b]
    first = find_groups(edges, PARAMS)
    assert any(g.split for g in first)
    for _ in range(5):
        rng.shuffle(edges)
        flipped = [(b, a, w) if rng.random() < 0.5 else (a, b, w) for a, b, w in edges]
        assert find_groups(flipped, PARAMS) == first


def test_cluster_identity_survives_small_membership_changes() -> None:
    old = {"cl-old": frozenset({"a", "b", "c", "d"})}
    grown = Group(frozenset({"a", "b", "c", "d", "e"}))
    stranger = Group(frozenset({"x", "y", "z"}))
    assigned = assign_ids([grown, stranger], old, PARAMS.identity_overlap)
    assert assigned["cl-old"] == grown
    assert assigned[new_cluster_id(stranger)] == stranger
    replaced = Group(frozenset({"a", "q", "r", "s", "t"}))
    assert "cl-old" not in assign_ids([replaced], old, PARAMS.identity_overlap)


def test_a_new_group_born_like_an_old_cluster_does_not_replace_the_group_holding_its_id() -> None:
    born = frozenset("abc")
    old_id = new_cluster_id(Group(born))
    # Run by run the cluster drifted from a,b,c to c..g, keeping its id. Now c..g minus c keeps
    # it, and a,b,c come back as a group of their own, whose fresh id would be that same id.
    old = {old_id: frozenset("cdefg")}
    kept, reborn = Group(frozenset("defg")), Group(born)
    assigned = assign_ids([kept, reborn], old, PARAMS.identity_overlap)
    assert assigned[old_id] == kept
    assert sorted(assigned.values(), key=lambda g: len(g.members)) == [reborn, kept]


def test_part_of_the_graph_regrouped_gets_the_ids_the_whole_would_give_it() -> None:
    """An incremental run regroups a part and passes the ids kept elsewhere as taken."""
    born = frozenset("abc")
    old_id = new_cluster_id(Group(born))
    old = {old_id: frozenset("cdefg"), "cl-other": frozenset("xyz")}
    kept, reborn, other = Group(frozenset("defg")), Group(born), Group(frozenset("xyz"))
    whole = assign_ids([kept, reborn, other], old, PARAMS.identity_overlap)
    # The part holding a,b,c only: the drifted cluster kept its id elsewhere, unchanged.
    part = assign_ids([reborn, other], {"cl-other": old["cl-other"]}, 0.5, taken={old_id})
    assert part == {k: g for k, g in whole.items() if g in (reborn, other)}
    assert old_id not in part


def test_periods() -> None:
    assert parse_period("1h") == 3600
    assert parse_period("90s") == parse_period("90") == 90
    assert parse_period("15m") == 900
    with pytest.raises(ValueError, match="not like"):
        parse_period("hourly")


def test_worker_backs_off_while_neo4j_is_down_then_recovers() -> None:
    outcomes = [StoreUnavailable("down"), StoreUnavailable("down"), "ok", "ok"]
    waits: list[float] = []

    def run_once() -> object:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    worker = Worker(run_once, every_s=60, max_runs=2)
    worker.stop.wait = lambda timeout=None: waits.append(timeout or 0) or False
    stats = worker.loop()
    assert (stats.runs, stats.failures) == (2, 2)
    assert waits == [1.0, 2.0, 60]  # back-off doubles, then the normal period


def test_worker_stops_when_told() -> None:
    calls = []
    worker = Worker(lambda: calls.append(1), every_s=3600)
    worker.stop.set()
    worker.loop()
    assert calls == []
