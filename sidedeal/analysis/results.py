"""Writes of the analysis's structural results: account links and clusters, stamped with the run.

Each run rewrites what it found and removes what it no longer finds, so the graph always shows the
latest run's links and cluster memberships (flags keep their own history; see flags.py).
"""

from __future__ import annotations

from typing import Any, LiteralString

from sidedeal.analysis.clusters import Group
from sidedeal.graph.store import Store
from sidedeal.ids import is_buyer, is_seller

BATCH = 5000

WRITE_LINKS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Account {account_key: row.a})
MATCH (b:Account {account_key: row.b})
MERGE (a)-[l:SHARES_IDENTIFIERS]->(b)
SET l.weight = row.weight, l.overlap = row.overlap, l.shared = row.shared, l.keys = row.keys,
    l.run_id = $run_id
"""

DROP_STALE_LINKS: LiteralString = """
MATCH ()-[l:SHARES_IDENTIFIERS]->()
WHERE l.run_id <> $run_id
DELETE l
RETURN count(l) AS n
"""

PREVIOUS_CLUSTERS: LiteralString = """
MATCH (c:Cluster) WHERE c.status = 'active'
MATCH (a:Account)-[:MEMBER_OF]->(c)
RETURN c.cluster_id AS cluster_id, collect(a.account_key) AS members
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


def write_links(store: Store, rows: list[dict[str, Any]], run_id: str) -> int:
    for start in range(0, len(rows), BATCH):
        store.write(WRITE_LINKS, {"rows": rows[start : start + BATCH], "run_id": run_id})
    dropped = store.write(DROP_STALE_LINKS, {"run_id": run_id})
    return int(dropped[0]["n"]) if dropped else 0


def previous_clusters(store: Store) -> dict[str, frozenset[str]]:
    return {row["cluster_id"]: frozenset(row["members"]) for row in store.read(PREVIOUS_CLUSTERS)}


def write_clusters(
    store: Store,
    clusters: dict[str, Group],
    scores: dict[str, float],
    *,
    run_id: str,
    now: str,
) -> int:
    """Write the clusters and their memberships; dissolve active clusters no longer found."""
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
    dissolved = store.write(DISSOLVE_CLUSTERS, {"run_id": run_id, "now": now})
    return int(dissolved[0]["n"]) if dissolved else 0
