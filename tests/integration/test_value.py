"""Money at stake and last evidence on flags, against a real Neo4j (analysis/value.py), and the
queue sorted by them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.casework.export import write_jsonl
from sidedeal.casework.flags import get_flag, queue
from sidedeal.graph.store import Store
from tests.helpers import load_market
from tests.integration.market import small_market


def market() -> dict[str, Any]:
    """The small market, plus the seller s1 offering its number and a deal without the fee to b1
    after their two orders (about the commode b1 already bought)."""
    files = small_market()
    files["messages"].append(
        {
            "message_id": "m7",
            "conversation_id": "c1",
            "sender": "seller",
            "sent_at": "2024-03-10T10:00:00Z",
            "body": "Next time call me on 01 42 60 12 34, we can skip the commission",
        }
    )
    # A buyer holding seller s3's phone, who never wrote to it: a pair with no DEALT_WITH edge.
    files["buyers"].append(
        {
            "buyer_id": "b4",
            "name": "Marco Neri",
            "country": "IT",
            "email": "",
            "phone": "+39 347 123 4567",
            "created_at": "2024-01-01T00:00:00Z",
        }
    )
    files["contacts"].append(
        {
            "account_type": "seller",
            "account_id": "s3",
            "kind": "phone",
            "value": "+39 347 123 4567",
            "observed_at": "",
        }
    )
    return files


def test_pairs_sellers_and_clusters_carry_their_money_at_stake(
    store: Store, tmp_path: Path
) -> None:
    load_market(store, market(), tmp_path, reset=False)
    analyze(store, load_weights(), trigger="test")

    # Talked about the Submariner (14,200 GBP) after swapping numbers, never ordered it here.
    watch = get_flag(store, "pair:b2:s2", commission_rate=0.15)
    assert (watch.estimated_sales, watch.currency, watch.value_basis) == (
        14200.0,
        "GBP",
        "listings",
    )
    assert watch.value_at_risk == 2130.0
    # The latest message among its evidence (the buyer's email, an hour after the number).
    assert watch.last_evidence_at is not None
    assert watch.last_evidence_at.isoformat() == "2024-02-03T12:00:00+00:00"
    assert watch.created_at is not None and watch.last_evidence_at < watch.created_at

    # Only the commode they already bought was discussed: one more sale at their average order.
    repeat = get_flag(store, "pair:b1:s1", commission_rate=0.1)
    assert (repeat.estimated_sales, repeat.currency, repeat.value_basis) == (
        6650.0,
        "EUR",
        "orders",
    )
    assert repeat.value_at_risk == 665.0

    # Nothing to go on (no conversation, no order): no money, but said so.
    stranger = get_flag(store, "pair:b4:s3", commission_rate=0.15)
    assert (stranger.estimated_sales, stranger.value_basis, stranger.value_at_risk) == (
        0.0,
        "none",
        0.0,
    )

    # A seller sums its flagged pairs.
    for seller in ("s1", "s2"):
        rows = store.read(
            "MATCH (p:Flag {kind: 'pair'}) WHERE $s IN p.seller_ids AND p.status = 'open' "
            "RETURN sum(p.estimated_sales) AS total",
            {"s": seller},
        )
        flag = store.read(
            "MATCH (f:Flag {flag_id: $id}) RETURN f.estimated_sales AS sales",
            {"id": f"seller:{seller}"},
        )
        if flag:
            assert flag[0]["sales"] == rows[0]["total"] > 0

    by_value, _ = queue(store, kind="pair", sort="value_desc", commission_rate=0.15)
    assert [f.flag_id for f in by_value][:2] == ["pair:b2:s2", "pair:b1:s1"]
    recent, _ = queue(store, sort="evidence_newest", commission_rate=0.15)
    assert recent[0].last_evidence_at is not None
    assert recent[0].last_evidence_at.isoformat() == "2024-03-10T10:00:00+00:00"
    older, count = queue(
        store,
        kind="pair",
        evidence_before=watch.last_evidence_at.replace(day=4),
        commission_rate=0.15,
    )
    assert [f.flag_id for f in older] == ["pair:b2:s2"] and count == 1

    out = io.StringIO()
    write_jsonl(store, out, include_suppressed=True, commission_rate=0.15)
    lines = {row["flag_id"]: row for row in map(json.loads, out.getvalue().splitlines())}
    assert lines["pair:b2:s2"]["value_at_risk"] == 2130.0
    assert lines["pair:b2:s2"]["currency"] == "GBP"


def test_a_graph_analysed_before_flags_carried_value_is_analysed_in_full(
    store: Store, tmp_path: Path
) -> None:
    """After an upgrade, an incremental run would give money and rank only to what changed: the
    first run after one is full."""
    load_market(store, market(), tmp_path, reset=False)
    analyze(store, load_weights(), trigger="test")
    # As the graph of an earlier release: runs and flags without the new properties.
    store.write("MATCH (r:Run) REMOVE r.values_written")
    store.write("MATCH (f:Flag) REMOVE f.rank, f.estimated_sales, f.value_basis")
    again = analyze(store, load_weights(), trigger="test")
    assert again.mode == "full" and again.reason == "the last run predates money at stake on flags"
    assert (
        store.count(
            "MATCH (f:Flag) WHERE f.rank IS NULL OR f.value_basis IS NULL RETURN count(f) AS n"
        )
        == 0
    )
    assert analyze(store, load_weights(), trigger="test").mode == "incremental"
