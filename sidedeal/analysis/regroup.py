"""Clusters for an incremental run: regroup only the components a change can reach.

A full run finds components over every link and weighing pair, splits large ones with Louvain,
and matches groups to the previous clusters. The same result for part of the graph:

1. the accounts whose edges changed (``dirty``) and the components holding them now, grown by
   the members of every active cluster they touch and the components of those, until nothing
   new joins: every account outside is in a component with no changed edge, grouped as before;
2. :func:`clusters.find_groups` over the edges inside (a component's edges, put in canonical
   order, give Louvain the same graph in the same order as the whole graph would);
3. :func:`clusters.assign_ids` against the clusters touched, with every other active id taken.

The accounts whose own score may have moved (sellers scored again, buyers of pairs scored again)
are among the dirty ones, so every cluster whose score may move is regrouped and scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import LiteralString

from sidedeal.analysis.clusters import Edge, Group, assign_ids, find_groups, score_cluster
from sidedeal.analysis.config import Weights
from sidedeal.analysis.links import stored_link
from sidedeal.analysis.results import (
    active_cluster_ids,
    clusters_of,
    dissolve_clusters,
    write_clusters,
)
from sidedeal.analysis.scoring import Score
from sidedeal.graph.store import Store

BATCH = 2000

# The edges of some accounts as clustering sees them: links (exact weight from their keys'
# weights) and the pairs that weigh (their exact score).
EDGES_OF: LiteralString = """
UNWIND $accounts AS key
MATCH (a:Account {account_key: key})
CALL (a) {
  MATCH (a)-[l:SHARES_IDENTIFIERS]-()
  RETURN collect([startNode(l).account_key, endNode(l).account_key, l.keys,
                  coalesce(l.key_weights, [])]) AS links
}
CALL (a) {
  MATCH (a)-[d:DEALT_WITH]-()
  WHERE d.evidence_score IS NOT NULL
  RETURN collect([startNode(d).account_key, endNode(d).account_key, d.evidence_score]) AS pairs
}
RETURN collect([links, pairs]) AS rows
"""

# What each account brings to its cluster's score (see stages.member_scores), as stored.
MEMBER_SCORES: LiteralString = """
UNWIND $accounts AS key
MATCH (a:Account {account_key: key})
CALL (a) {
  OPTIONAL MATCH (a)-[d:DEALT_WITH]->(:Seller)
  WHERE d.evidence_score IS NOT NULL
  RETURN max(d.evidence_score) AS worst
}
RETURN collect([key, CASE WHEN a:Seller THEN a.score ELSE worst END]) AS rows
"""


@dataclass
class Regrouped:
    """Clusters an incremental run wrote (regrouped or re-scored) and dissolved."""

    clusters: dict[str, Group] = field(default_factory=dict)
    scores: dict[str, Score] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # every cluster id looked at
    regrouped: int = 0
    dissolved: int = 0


def _edges_of(store: Store, accounts: list[str]) -> dict[tuple[str, str, str], Edge]:
    """Edges by (kind, a, b): a buyer-seller pair can be both a link and a weighing pair, and
    find_groups must see both (it keeps the heavier, as in a full run)."""
    edges: dict[tuple[str, str, str], Edge] = {}
    for start in range(0, len(accounts), BATCH):
        rows = store.read_plain(EDGES_OF, {"accounts": accounts[start : start + BATCH]})
        for links, pairs in rows[0]["rows"] if rows else []:
            for a, b, keys, key_weights in links:
                weight = stored_link(a, b, keys, key_weights, 0.0).weight
                edges[("link", a, b)] = (a, b, weight)
            for a, b, score in pairs:
                edges[("pair", a, b)] = (a, b, float(score))
    return edges


def closure(
    store: Store, dirty: set[str], min_link: float
) -> tuple[set[str], list[Edge], dict[str, frozenset[str]]]:
    """The accounts to regroup (see the module docstring), the edges among them, and the active
    clusters they touch."""
    inside: set[str] = set()
    edges: dict[tuple[str, str, str], Edge] = {}
    touched: dict[str, frozenset[str]] = {}
    frontier = set(dirty)
    while frontier:
        inside |= frontier
        found: set[str] = set()
        for key, (a, b, weight) in _edges_of(store, sorted(frontier)).items():
            edges[key] = (a, b, weight)
            if weight >= min_link:
                found |= {a, b}
        for cluster_id, members in clusters_of(store, frontier).items():
            touched[cluster_id] = members
            found |= members
        frontier = found - inside
    # Every edge leaving `inside` is below min_link (inside is closed under the others), so
    # find_groups would ignore it anyway.
    kept = [e for e in edges.values() if e[0] in inside and e[1] in inside]
    return inside, kept, touched


def stored_member_scores(store: Store, accounts: set[str]) -> dict[str, float]:
    """Sellers' scores and buyers' worst weighing pair, as the graph keeps them."""
    scores: dict[str, float] = {}
    ordered = sorted(accounts)
    for start in range(0, len(ordered), BATCH):
        rows = store.read_plain(MEMBER_SCORES, {"accounts": ordered[start : start + BATCH]})
        for key, value in rows[0]["rows"] if rows else []:
            if value is not None and float(value) > 0:
                scores[key] = float(value)
    return scores


def regroup(
    store: Store,
    weights: Weights,
    dirty: set[str],
    member_scores: Callable[[set[str]], dict[str, float]],
    *,
    run_id: str,
    now: str,
) -> Regrouped:
    """Regroup and score what ``dirty`` reaches (every account whose edges or own score may
    have changed), write it, and dissolve the touched clusters no group took. ``member_scores``
    gives what accounts bring to their cluster's score."""
    params = weights.clusters
    _, edges, touched = closure(store, dirty, params.min_link)
    groups = find_groups(edges, params)
    taken = active_cluster_ids(store) - set(touched)
    assigned = assign_ids(groups, touched, params.identity_overlap, taken)
    result = Regrouped(
        clusters=assigned, touched=set(touched) | set(assigned), regrouped=len(assigned)
    )
    everyone = {m for group in result.clusters.values() for m in group.members}
    scores = member_scores(everyone)
    result.scores = {
        cluster_id: score_cluster(group.members, scores, weights)
        for cluster_id, group in result.clusters.items()
    }
    write_clusters(
        store,
        result.clusters,
        {k: s.value for k, s in result.scores.items()},
        run_id=run_id,
        now=now,
        dissolve_others=False,
    )
    result.dissolved = dissolve_clusters(
        store, set(touched) - set(assigned), run_id=run_id, now=now
    )
    return result
