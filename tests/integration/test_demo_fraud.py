"""Real data nobody here wrote: Neo4j's fraud demo, ingested through the contract."""

from __future__ import annotations

from pathlib import Path

from sidedeal.graph.store import Store
from sidedeal.ingest.pipeline import ingest
from tests.helpers import write_contract
from tests.integration.demo_fraud import published_pairs, to_contract

SHARED_PAIRS = """
MATCH (a:Buyer)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(b:Buyer)
WHERE a.buyer_id < b.buyer_id
RETURN a.buyer_id AS a, b.buyer_id AS b, count(DISTINCT i) AS shared
"""


def test_demo_fraud_pairs_match_what_the_source_publishes(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    folder = shared_data / "neo4j-demo-fraud"
    directory = write_contract(tmp_path / "in", to_contract(folder))
    summary = ingest(store, directory, batch_size=50, rejects_dir=tmp_path / "r", scanner=None)
    assert summary.rejected == 0
    assert store.count("MATCH (b:Buyer) RETURN count(b) AS n") == 74

    rows = store.read(SHARED_PAIRS)
    shared = {frozenset((r["a"], r["b"])): r["shared"] for r in rows}
    assert len(shared) == 131
    assert sum(1 for n in shared.values() if n == 1) == 130
    assert sum(1 for n in shared.values() if n == 2) == 1
    published = published_pairs(folder)
    assert set(shared) == set(published)
    assert all(shared[pair] == count for pair, (_, count) in published.items())

    # The source's fictional phones (+1-555-6768) do not validate, yet they link accounts.
    invalid_shared = store.count(
        "MATCH (i:Identifier {kind: 'phone', valid: false}) "
        "WHERE COUNT { (i)<-[:HAS_IDENTIFIER]-() } >= 2 RETURN count(i) AS n"
    )
    assert invalid_shared == 19
