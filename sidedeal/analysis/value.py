"""Money at stake on a flag, and when its conduct last showed: written after the flags of a run.

**The estimate of off-platform sales** (``Flag.estimated_sales``, in ``Flag.currency``), for a pair
flag:

1. ``listings``: the prices of the listings the pair discussed in a conversation active at or
   after contact was first exchanged (``exchange_at``), that the buyer never ordered here (a
   cancelled or refunded order does not count as one). Talking about a piece after swapping
   numbers and never buying it on the platform is the sale the marketplace most likely lost.
2. ``orders``, when no such listing has a price: one more sale at the pair's average order value
   here (a repeat customer who went quiet most likely bought once more, outside).
3. ``none``: nothing to go on (no priced listing, no order): 0, no currency.

Amounts in several currencies are not converted: the estimate keeps the currency holding the
largest share and sums that one only (the basis says ``mixed``). Sellers and clusters sum the
pair flags that concern them (a seller: its own pairs; a cluster: the pairs of its seller
members) that are open, confirmed or unsure (a cleared or dismissed pair is not money at risk).
The money at risk is the marketplace's commission on that estimate, ``value_at_risk =
SIDEDEAL_COMMISSION_RATE x estimated_sales``, applied where flags are read (so a change of the
rate re-prices every flag at once); sorting by the estimate sorts by the value.

**last_evidence_at**: the latest message among the flag's evidence (a pair's contact details and
cues), else the pair's last activity; for sellers and clusters the latest of their pair flags'
(or of their own evidence messages). Unlike the flag's age, it says how recent the conduct is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, LiteralString

from sidedeal.graph.store import Store

BATCH = 1000
COUNTED = ["open", "confirmed", "unsure"]

# Which flags: all of a kind (a full run), or those of a scope, looked up by key (an incremental
# run, the re-score of one event: a filter on every flag would cost the event its latency).
ALL_OF: LiteralString = "MATCH (f:Flag) WHERE f.kind IN $kinds\n"
SCOPE_OF: LiteralString = "UNWIND $ids AS id MATCH (f:Flag {flag_id: id}) WHERE f.kind IN $kinds\n"

PAIR_INPUTS: LiteralString = """
MATCH (b:Buyer {buyer_id: f.buyer_ids[0]})
MATCH (s:Seller {seller_id: f.seller_ids[0]})
// A pair flagged for a shared identifier alone may never have talked: no DEALT_WITH edge.
OPTIONAL MATCH (b)-[d:DEALT_WITH]->(s)
WITH f, b, s, d,
     CASE WHEN d.exchange_at IS NULL THEN null
          ELSE datetime({epochMillis: d.exchange_at / 1000}) END AS exchanged
CALL (b, s, exchanged) {
  OPTIONAL MATCH (b)-[:PARTICIPATES_IN]->(c:Conversation)<-[:PARTICIPATES_IN]-(s),
                 (c)-[:ABOUT]->(l:Listing)
  WHERE exchanged IS NOT NULL AND l.price IS NOT NULL
    AND EXISTS { MATCH (m:Message)-[:IN]->(c) WHERE m.sent_at >= exchanged }
    AND NOT EXISTS {
      MATCH (b)-[:PLACED]->(o:Order)-[:FOR]->(l)
      WHERE NOT o.status IN ['cancelled', 'canceled', 'refunded']
    }
  WITH DISTINCT l WHERE l IS NOT NULL
  RETURN collect([toFloat(l.price), l.currency]) AS listings
}
CALL (b, s) {
  OPTIONAL MATCH (b)-[:PLACED]->(o:Order)-[:SOLD_BY]->(s)
  WHERE NOT o.status IN ['cancelled', 'canceled', 'refunded'] AND o.amount IS NOT NULL
  RETURN collect([toFloat(o.amount), o.currency]) AS orders
}
CALL (f) {
  UNWIND coalesce(f.evidence, []) AS e
  MATCH (m:Message {message_id: e})
  RETURN max(m.sent_at) AS last_message
}
RETURN f.flag_id AS flag_id, listings, orders,
       toString(coalesce(last_message, d.last_at)) AS last_evidence_at
"""

WRITE: LiteralString = """
UNWIND $rows AS row
MATCH (f:Flag {flag_id: row.flag_id})
SET f.estimated_sales = row.estimated_sales, f.currency = row.currency,
    f.value_basis = row.basis, f.last_evidence_at = datetime(row.last_evidence_at)
"""

# Sellers and clusters: the pair flags concerning them, and their own evidence messages.
GROUP_INPUTS: LiteralString = """
CALL (f) {
  OPTIONAL MATCH (p:Flag {kind: 'pair'})-[:CONCERNS]->(:Seller)<-[:CONCERNS]-(f)
  WHERE f.kind = 'seller' AND p.status IN $counted
  RETURN collect(p) AS own
}
CALL (f) {
  OPTIONAL MATCH (f)-[:CONCERNS]->(:Cluster)<-[:MEMBER_OF]-(:Seller)<-[:CONCERNS]-(p:Flag)
  WHERE f.kind = 'cluster' AND p.kind = 'pair' AND p.status IN $counted
  RETURN collect(DISTINCT p) AS members
}
CALL (f) {
  UNWIND coalesce(f.evidence, []) AS e
  MATCH (m:Message {message_id: e})
  RETURN max(m.sent_at) AS last_message
}
WITH f, own + members AS pairs, last_message
RETURN f.flag_id AS flag_id,
       [p IN pairs WHERE p.estimated_sales IS NOT NULL | [p.estimated_sales, p.currency]]
         AS amounts,
       toString(coalesce(last_message, reduce(latest = null, p IN pairs |
         CASE WHEN latest IS NULL OR p.last_evidence_at > latest THEN p.last_evidence_at
              ELSE latest END))) AS last_evidence_at
"""


def estimate(
    listings: Iterable[tuple[float, str | None]], orders: Iterable[tuple[float, str | None]]
) -> tuple[float, str | None, str]:
    """(estimated off-platform sales, currency, basis) of a pair; see the module docstring."""
    listed = [(a, c) for a, c in listings if a is not None and a > 0]
    if listed:
        total, currency, mixed = _dominant(listed)
        return total, currency, "listings" + (" (mixed)" if mixed else "")
    ordered = [(a, c) for a, c in orders if a is not None and a > 0]
    if ordered:
        total, currency, mixed = _dominant(ordered)
        count = sum(1 for _, c in ordered if c == currency)
        return round(total / count, 2), currency, "orders" + (" (mixed)" if mixed else "")
    return 0.0, None, "none"


def total(amounts: Iterable[tuple[float, str | None]]) -> tuple[float, str | None]:
    """A seller's or cluster's sum of its pairs' estimates (dominant currency only)."""
    kept = [(a, c) for a, c in amounts if a]
    if not kept:
        return 0.0, None
    value, currency, _ = _dominant(kept)
    return value, currency


def _dominant(amounts: list[tuple[float, str | None]]) -> tuple[float, str | None, bool]:
    by_currency: dict[str | None, float] = defaultdict(float)
    for amount, currency in amounts:
        by_currency[currency] += amount
    currency = max(by_currency, key=lambda c: (by_currency[c], c or ""))
    return round(by_currency[currency], 2), currency, len(by_currency) > 1


def write_values(store: Store, scope: Iterable[str] | None = None) -> int:
    """Estimate and write the money at stake and the last evidence of every flag (or of the
    flags in ``scope``: pairs first, then the sellers and clusters that sum them). The number of
    flags written."""
    ids = sorted(set(scope)) if scope is not None else None
    head = ALL_OF if ids is None else SCOPE_OF
    rows: list[dict[str, Any]] = []
    for row in store.read(head + PAIR_INPUTS, {"ids": ids, "kinds": ["pair"]}):
        sales, currency, basis = estimate(
            [(a, c) for a, c in row["listings"]], [(a, c) for a, c in row["orders"]]
        )
        rows.append(
            {
                "flag_id": row["flag_id"],
                "estimated_sales": sales,
                "currency": currency,
                "basis": basis,
                "last_evidence_at": row["last_evidence_at"],
            }
        )
    _write(store, rows)
    written = len(rows)
    rows = []
    params = {"ids": ids, "kinds": ["seller", "cluster"], "counted": COUNTED}
    for row in store.read(head + GROUP_INPUTS, params):
        sales, currency = total((a, c) for a, c in row["amounts"])
        rows.append(
            {
                "flag_id": row["flag_id"],
                "estimated_sales": sales,
                "currency": currency,
                "basis": "pairs",
                "last_evidence_at": row["last_evidence_at"],
            }
        )
    _write(store, rows)
    return written + len(rows)


def _write(store: Store, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        store.write(WRITE, {"rows": rows[start : start + BATCH]})
