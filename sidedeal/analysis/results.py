"""Writes of the analysis's structural results: account links and clusters, stamped with the run.

Each run rewrites what it found and removes what it no longer finds, so the graph always shows the
latest run's links and cluster memberships (flags keep their own history; see flags.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, LiteralString

from sidedeal.analysis.clusters import Group
from sidedeal.analysis.links import Link, stored_link
from sidedeal.graph.store import Store
from sidedeal.ids import is_buyer, is_seller

BATCH = 5000

WRITE_LINKS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Account {account_key: row.a})
MATCH (b:Account {account_key: row.b})
MERGE (a)-[l:SHARES_IDENTIFIERS]->(b)
SET l.weight = row.weight, l.overlap = row.overlap, l.shared = row.shared, l.keys = row.keys,
    l.key_weights = row.key_weights, l.run_id = $run_id, l.updated_at = datetime($now)
"""

# Links this run did not write, except any written after it started (by a re-score of one event
# meanwhile: newer than what this run read).
DROP_STALE_LINKS: LiteralString = """
MATCH ()-[l:SHARES_IDENTIFIERS]->()
WHERE l.run_id <> $run_id AND (l.updated_at IS NULL OR l.updated_at < datetime($now))
DELETE l
RETURN count(l) AS n
"""

# The same among the links of some accounts (an incremental run recomputes all their links).
DROP_STALE_LINKS_OF: LiteralString = """
UNWIND $accounts AS key
MATCH (:Account {account_key: key})-[l:SHARES_IDENTIFIERS]-()
WHERE l.run_id <> $run_id AND (l.updated_at IS NULL OR l.updated_at < datetime($now))
DELETE l
RETURN count(l) AS n
"""

# The stored links of some accounts, as links.stored_link reads them.
LINKS_OF: LiteralString = """
UNWIND $accounts AS key
MATCH (:Account {account_key: key})-[l:SHARES_IDENTIFIERS]-()
WITH DISTINCT l
RETURN collect([startNode(l).account_key, endNode(l).account_key, l.keys,
                coalesce(l.key_weights, []), l.overlap]) AS links
"""

# Every seller's score, exactly, for the clusters an incremental run scores again (a seller's
# flag exists only above the threshold; a cluster counts any score above 0).
WRITE_SELLER_SCORES: LiteralString = """
UNWIND $rows AS row
MATCH (s:Seller {seller_id: row.seller_id})
SET s.score = row.score, s.scored_by = $run_id, s.scored_at = datetime($now)
"""

RESET_SELLER_SCORES: LiteralString = """
MATCH (s:Seller)
WHERE s.score IS NOT NULL AND s.scored_by <> $run_id AND s.scored_at < datetime($now)
SET s.score = null, s.scored_by = $run_id, s.scored_at = datetime($now)
"""

PREVIOUS_CLUSTERS: LiteralString = """
MATCH (c:Cluster) WHERE c.status = 'active'
MATCH (a:Account)-[:MEMBER_OF]->(c)
RETURN c.cluster_id AS cluster_id, collect(a.account_key) AS members
"""

# The active clusters some accounts belong to, with all their members.
CLUSTERS_OF: LiteralString = """
UNWIND $accounts AS key
MATCH (:Account {account_key: key})-[:MEMBER_OF]->(c:Cluster)
WHERE c.status = 'active'
WITH DISTINCT c
MATCH (a:Account)-[:MEMBER_OF]->(c)
WITH c, collect(a.account_key) AS members
RETURN collect([c.cluster_id, members]) AS clusters
"""

ACTIVE_CLUSTER_IDS: LiteralString = """
MATCH (c:Cluster) WHERE c.status = 'active'
RETURN collect(c.cluster_id) AS ids
"""

DISSOLVE_CLUSTER_IDS: LiteralString = """
UNWIND $ids AS id
MATCH (c:Cluster {cluster_id: id})
WHERE c.status = 'active' AND c.run_id <> $run_id
OPTIONAL MATCH (:Account)-[m:MEMBER_OF]->(c)
DELETE m
WITH DISTINCT c
SET c.status = 'dissolved', c.dissolved_at = datetime($now), c.run_id = $run_id
RETURN count(c) AS n
"""

WRITE_CLUSTERS: LiteralString = """
UNWIND $rows AS row
MERGE (c:Cluster {cluster_id: row.cluster_id})
ON CREATE SET c.created_at = datetime($now), c.first_run_id = $run_id
SET c.size = size(row.members), c.sellers = row.sellers, c.buyers = row.buyers,
    c.split = row.split, c.status = 'active', c.run_id = $run_id, c.updated_at = datetime($now),
    c.score = row.score
WITH c, row
CALL (c, row) {
  MATCH (a:Account)-[m:MEMBER_OF]->(c)
  WHERE NOT a.account_key IN row.members
  DELETE m
}
CALL (c, row) {
  UNWIND row.members AS key
  MATCH (a:Account {account_key: key})
  MERGE (a)-[:MEMBER_OF]->(c)
}
"""

DISSOLVE_CLUSTERS: LiteralString = """
MATCH (c:Cluster) WHERE c.status = 'active' AND c.run_id <> $run_id
OPTIONAL MATCH (:Account)-[m:MEMBER_OF]->(c)
DELETE m
WITH DISTINCT c
SET c.status = 'dissolved', c.dissolved_at = datetime($now)
RETURN count(c) AS n
"""


def write_links(
    store: Store,
    rows: list[dict[str, Any]],
    run_id: str,
    *,
    now: str | None = None,
    accounts: set[str] | None = None,
) -> int:
    """Write the links and drop the ones this run did not write: all of them, or those touching
    ``accounts`` when an incremental run recomputed only their links. Returns how many dropped."""
    now = now or datetime.now(UTC).isoformat()
    for start in range(0, len(rows), BATCH):
        store.write(
            WRITE_LINKS, {"rows": rows[start : start + BATCH], "run_id": run_id, "now": now}
        )
    if accounts is None:
        dropped = store.write(DROP_STALE_LINKS, {"run_id": run_id, "now": now})
        return int(dropped[0]["n"]) if dropped else 0
    ordered, total = sorted(accounts), 0
    for start in range(0, len(ordered), BATCH):
        dropped = store.write(
            DROP_STALE_LINKS_OF,
            {"accounts": ordered[start : start + BATCH], "run_id": run_id, "now": now},
        )
        total += int(dropped[0]["n"]) if dropped else 0
    return total


def write_seller_scores(
    store: Store,
    scores: dict[str, float],
    *,
    run_id: str,
    now: str,
    sellers: set[str] | None = None,
) -> None:
    """Keep seller scores (by seller id) on their nodes; reset the others: every other seller,
    or those of ``sellers`` (the ones an incremental run scored again) without a score."""
    ids = sorted(scores) if sellers is None else sorted(sellers)
    rows = [{"seller_id": seller, "score": scores.get(seller)} for seller in ids]
    for start in range(0, len(rows), BATCH):
        store.write(
            WRITE_SELLER_SCORES, {"rows": rows[start : start + BATCH], "run_id": run_id, "now": now}
        )
    if sellers is None:
        store.write(RESET_SELLER_SCORES, {"run_id": run_id, "now": now})


def stored_links(store: Store, accounts: set[str]) -> dict[tuple[str, str], Link]:
    """The links touching ``accounts`` as the graph holds them."""
    found: dict[tuple[str, str], Link] = {}
    ordered = sorted(accounts)
    for start in range(0, len(ordered), BATCH):
        rows = store.read_plain(LINKS_OF, {"accounts": ordered[start : start + BATCH]})
        for a, b, keys, key_weights, overlap in rows[0]["links"] if rows else []:
            found[(a, b)] = stored_link(a, b, keys, key_weights, overlap)
    return found


def previous_clusters(store: Store) -> dict[str, frozenset[str]]:
    return {row["cluster_id"]: frozenset(row["members"]) for row in store.read(PREVIOUS_CLUSTERS)}


def clusters_of(store: Store, accounts: set[str]) -> dict[str, frozenset[str]]:
    """The active clusters any of ``accounts`` belongs to, with all their members."""
    found: dict[str, frozenset[str]] = {}
    ordered = sorted(accounts)
    for start in range(0, len(ordered), BATCH):
        rows = store.read_plain(CLUSTERS_OF, {"accounts": ordered[start : start + BATCH]})
        for cluster_id, members in rows[0]["clusters"] if rows else []:
            found[cluster_id] = frozenset(members)
    return found


def active_cluster_ids(store: Store) -> set[str]:
    rows = store.read_plain(ACTIVE_CLUSTER_IDS)
    return set(rows[0]["ids"]) if rows else set()


def dissolve_clusters(store: Store, ids: set[str], *, run_id: str, now: str) -> int:
    """Dissolve these active clusters unless this run wrote them; returns how many."""
    ordered, total = sorted(ids), 0
    for start in range(0, len(ordered), 500):
        rows = store.write(
            DISSOLVE_CLUSTER_IDS,
            {"ids": ordered[start : start + 500], "run_id": run_id, "now": now},
        )
        total += int(rows[0]["n"]) if rows else 0
    return total


def write_clusters(
    store: Store,
    clusters: dict[str, Group],
    scores: dict[str, float],
    *,
    run_id: str,
    now: str,
    dissolve_others: bool = True,
) -> int:
    """Write the clusters and their memberships; dissolve active clusters no longer found (an
    incremental run, which looked at some clusters only, dissolves those itself)."""
    rows = [
        {
            "cluster_id": cluster_id,
            "members": sorted(group.members),
            "sellers": sum(1 for m in group.members if is_seller(m)),
            "buyers": sum(1 for m in group.members if is_buyer(m)),
            "split": group.split,
            "score": round(scores.get(cluster_id, 0.0), 4),
        }
        for cluster_id, group in clusters.items()
    ]
    for start in range(0, len(rows), 500):
        store.write(
            WRITE_CLUSTERS, {"rows": rows[start : start + 500], "run_id": run_id, "now": now}
        )
    if not dissolve_others:
        return 0
    dissolved = store.write(DISSOLVE_CLUSTERS, {"run_id": run_id, "now": now})
    return int(dissolved[0]["n"]) if dissolved else 0
