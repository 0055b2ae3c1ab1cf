"""Clusters of linked accounts: connected components over strong links, split by community
detection when very large, with identities that survive small changes of membership, and the
cluster's score (its members' scores and its shape).

Pure functions over edge lists (networkx), so they are tested without a database; the job feeds
them the links streamed from Neo4j.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import networkx as nx

from sidedeal.analysis.config import ClusterParams, Weights
from sidedeal.analysis.scoring import Factor, Score, combine
from sidedeal.ids import is_seller

Edge = tuple[str, str, float]


@dataclass(frozen=True)
class Group:
    """A set of accounts found together; ``split`` says Louvain carved it out of a bigger component."""

    members: frozenset[str]
    split: bool = False


def find_groups(edges: Iterable[Edge], params: ClusterParams, seed: int = 42) -> list[Group]:
    """Components over edges of weight >= ``min_link``; components above ``max_component`` are
    split into Louvain communities (weighted, fixed seed so runs are repeatable).

    Louvain visits nodes in the graph's insertion order, so the edges are put in one canonical
    order first: Neo4j returns pairs in no set order, and the same graph must split the same way.
    """
    graph: nx.Graph[str] = nx.Graph()
    canonical = sorted((min(a, b), max(a, b), weight) for a, b, weight in edges)
    for a, b, weight in canonical:
        if weight >= params.min_link:
            previous = graph.get_edge_data(a, b, default={"weight": 0.0})["weight"]
            graph.add_edge(a, b, weight=max(previous, weight))
    groups: list[Group] = []
    for component in nx.connected_components(graph):
        if len(component) <= params.max_component:
            groups.append(Group(frozenset(component)))
            continue
        sub = graph.subgraph(component)
        communities = nx.community.louvain_communities(
            sub, weight="weight", resolution=params.louvain_resolution, seed=seed
        )
        groups += [Group(frozenset(c), split=True) for c in communities if len(c) >= 2]
    return sorted(groups, key=lambda g: (-len(g.members), min(g.members)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def assign_ids(
    groups: list[Group],
    previous: Mapping[str, frozenset[str]],
    min_overlap: float,
    taken: AbstractSet[str] = frozenset(),
) -> dict[str, Group]:
    """Give each group the id of the previous cluster it most resembles (Jaccard >= min_overlap),
    best matches first and each old id at most once; other groups get a new stable id.

    ``taken``: ids kept by clusters outside ``groups`` and ``previous`` (an incremental run
    re-groups only part of the graph): a new group never takes one of those. Matching decomposes
    over groups and clusters that share members, so a part gets the ids the whole would give it.
    """
    candidates: list[tuple[float, int, str]] = []
    for index, group in enumerate(groups):
        for cluster_id, members in previous.items():
            if group.members & members:
                overlap = jaccard(group.members, members)
                if overlap >= min_overlap:
                    candidates.append((overlap, index, cluster_id))
    assigned: dict[str, Group] = {}
    taken_groups: set[int] = set()
    for _, index, cluster_id in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if index in taken_groups or cluster_id in assigned:
            continue
        assigned[cluster_id] = groups[index]
        taken_groups.add(index)
    for index, group in enumerate(groups):
        if index not in taken_groups:
            # A new group can be born with the members an old cluster was born with, while that
            # old id went to a group that resembles its current members more: the new one takes
            # the next free id of its line instead of silently replacing the other group.
            attempt = 0
            while (cluster_id := new_cluster_id(group, attempt)) in assigned or (
                cluster_id in taken
            ):
                attempt += 1
            assigned[cluster_id] = group
    return assigned


def new_cluster_id(group: Group, attempt: int = 0) -> str:
    """Derived from the members at birth, so re-running the same analysis gives the same id."""
    text = "|".join(sorted(group.members)) + (f"#{attempt}" if attempt else "")
    return f"cl-{hashlib.sha1(text.encode()).hexdigest()[:12]}"


def cluster_factors(
    members: frozenset[str], member_scores: Mapping[str, float], weights: Weights, top: int = 5
) -> list[Factor]:
    """Factors of a cluster: its most suspicious members, and its shape (see ``[cluster]``)."""
    w = weights.cluster
    factors: list[Factor] = []
    scored = sorted(
        ((member_scores.get(m, 0.0), m) for m in members if member_scores.get(m, 0.0) > 0),
        reverse=True,
    )
    for value, member in scored[:top]:
        factors.append(
            Factor(
                "cluster.member",
                w.member_share * value,
                f"member {member} scored {value:.2f}",
                (member,),
            )
        )
    sellers = sorted(m for m in members if is_seller(m))
    if len(sellers) >= 2:
        factors.append(
            Factor(
                "cluster.several_sellers",
                w.several_sellers,
                f"{len(sellers)} seller accounts linked: {', '.join(sellers[:5])}",
                tuple(sellers),
            )
        )
    if len(members) >= w.large_size:
        factors.append(
            Factor("cluster.large", w.large, f"{len(members)} accounts linked together", ())
        )
    return factors


def score_cluster(
    members: frozenset[str], member_scores: Mapping[str, float], weights: Weights
) -> Score:
    return combine(cluster_factors(members, member_scores, weights))
