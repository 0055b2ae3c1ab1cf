"""What changed in the graph since an analysis run: the reads an incremental run starts from.

Ingest (and the event API, which loads through the same loaders) stamps what it changes with
Neo4j's clock: a buyer-seller pair whose messages, conversations or orders it touched
(``DEALT_WITH.changed_at``), an identifier that gained a holder (``Identifier.changed_at``, and the
new ``HAS_IDENTIFIER`` edge its ``created_at``). A run records the server's time as it starts
(its watermark); the next run reads what was stamped after that watermark less
:data:`WATERMARK_SLACK`, so a transaction that stamped before a run started but committed after it
read is still seen (re-scoring a few minutes of changes twice costs little; missing one would
leave a stale score until the next full run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import LiteralString

from sidedeal.analysis.config import Weights
from sidedeal.analysis.links import personal
from sidedeal.graph.store import Store
from sidedeal.ids import buyer_key, parse_flag_id, seller_key

Pair = tuple[str, str]
WATERMARK_SLACK = timedelta(minutes=5)
DAY_US = 86_400_000_000
BATCH = 5000

CHANGED_PAIRS: LiteralString = """
MATCH (b:Buyer)-[d:DEALT_WITH]->(s:Seller)
WHERE d.changed_at > datetime($since)
RETURN collect([b.buyer_id, s.seller_id]) AS pairs
"""

# Per identifier that gained a holder: holders now and before the watermark (an account counts
# from its first holding edge; edges older than the stamps count as old), the accounts that
# gained it, and every holder when the identifier weighs (at most $cap now or before).
_CHANGE: LiteralString = """
CALL (i) {
  MATCH (i)<-[r:HAS_IDENTIFIER]-(a)
  WITH a, min(coalesce(r.created_at, datetime('1970-01-01T00:00:00Z'))) AS first
  WITH a, first > datetime($since) AS gained
  RETURN count(a) AS now, count(CASE WHEN NOT gained THEN 1 END) AS before,
         collect(CASE WHEN gained THEN a.account_key END) AS gained,
         collect(a.account_key) AS holders,
         collect(CASE WHEN NOT gained THEN a.account_key END) AS old
}
RETURN collect([i.key, now, before, gained,
                CASE WHEN now <= $cap THEN holders ELSE [] END,
                CASE WHEN before <= $cap THEN old ELSE [] END]) AS rows
"""
CHANGED_IDENTIFIERS: LiteralString = (
    "MATCH (i:Identifier) WHERE i.changed_at > datetime($since)" + _CHANGE
)
CHANGED_IDENTIFIERS_IN: LiteralString = (
    "UNWIND $keys AS key MATCH (i:Identifier {key: key}) WHERE i.changed_at > datetime($since)"
    + _CHANGE
)

# Identifiers held by some accounts that gained a holder since the watermark (an event's pairs).
CHANGED_KEYS_OF: LiteralString = """
UNWIND $accounts AS key
MATCH (:Account {account_key: key})-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.changed_at > datetime($since)
RETURN collect(DISTINCT i.key) AS keys
"""

# Buyer-seller pairs whose messages mention these identifiers.
PAIRS_MENTIONING: LiteralString = """
UNWIND $keys AS key
MATCH (:Identifier {key: key})<-[:MENTIONS]-(:Message)-[:IN]->(c:Conversation)
WITH DISTINCT c
MATCH (b:Buyer)-[:PARTICIPATES_IN]->(c)<-[:PARTICIPATES_IN]-(s:Seller)
RETURN collect(DISTINCT [b.buyer_id, s.seller_id]) AS pairs
"""

# Pairs whose first exchange lies in ($lo, $hi] (epoch microseconds): their quiet period crossed
# the threshold between the previous run's "now" and this one's. $sellers restricts to some.
PAIRS_EXCHANGED_BETWEEN: LiteralString = """
MATCH (b:Buyer)-[d:DEALT_WITH]->(s:Seller)
WHERE d.exchange_at > $lo AND d.exchange_at <= $hi
  AND ($sellers IS NULL OR s.seller_id IN $sellers)
RETURN collect([b.buyer_id, s.seller_id]) AS pairs
"""

# Identifiers mentioned in some sellers' conversations that gained a holder since the watermark.
MENTIONED_CHANGED: LiteralString = """
UNWIND $sellers AS id
MATCH (:Seller {seller_id: id})-[:PARTICIPATES_IN]->(:Conversation)<-[:IN]-(m:Message)
WHERE m.finding_count > 0
MATCH (m)-[:MENTIONS]->(i:Identifier)
WHERE i.changed_at > datetime($since)
RETURN collect(DISTINCT i.key) AS keys
"""

# The pairs of some sellers changed since the watermark.
CHANGED_PAIRS_OF: LiteralString = """
UNWIND $sellers AS id
MATCH (b:Buyer)-[d:DEALT_WITH]->(:Seller {seller_id: id})
WHERE d.changed_at > datetime($since)
RETURN collect([b.buyer_id, id]) AS pairs
"""


@dataclass(frozen=True)
class IdentifierChange:
    """An identifier that gained holders since the watermark."""

    key: str
    holders_now: int
    holders_before: int
    gained: tuple[str, ...]  # accounts holding it since the watermark
    holders: tuple[str, ...]  # every holder now, when at most max_holders + 1 of them
    old_holders: tuple[str, ...]  # holders before, when at most max_holders + 1 of them

    def relinks(self) -> set[str]:
        """Accounts whose links it changes: those that gained it (their identifier sets grew,
        so their overlaps moved), and all holders before or now while it weighs (its weight
        depends on how many hold it; held by more than max_holders it weighs nothing)."""
        return {*self.gained, *self.holders, *self.old_holders}

    def personal_changed(self, weights: Weights) -> bool:
        """Whether a mention of it in a message weighs differently now (see links.personal)."""
        return personal(self.holders_now, weights) != personal(self.holders_before, weights)


def changed_pairs(store: Store, since_at: str, sellers: set[str] | None = None) -> set[Pair]:
    """Pairs changed since ``since_at``: all, or those of ``sellers``."""
    if sellers is None:
        rows = store.read_plain(CHANGED_PAIRS, {"since": since_at})
    else:
        rows = store.read_plain(CHANGED_PAIRS_OF, {"sellers": sorted(sellers), "since": since_at})
    return {(b, s) for b, s in rows[0]["pairs"]} if rows else set()


def changed_identifiers(
    store: Store, weights: Weights, since_at: str, keys: set[str] | None = None
) -> list[IdentifierChange]:
    """Identifiers that gained a holder since ``since_at`` (among ``keys`` when given)."""
    params = {"since": since_at, "cap": weights.links.max_holders + 1}
    if keys is None:
        rows = store.read_plain(CHANGED_IDENTIFIERS, params)
    elif keys:
        rows = store.read_plain(CHANGED_IDENTIFIERS_IN, {**params, "keys": sorted(keys)})
    else:
        return []
    return [
        IdentifierChange(key, int(now), int(before), tuple(gained), tuple(held), tuple(old))
        for key, now, before, gained, held, old in (rows[0]["rows"] if rows else [])
    ]


def mentioned_changed(store: Store, sellers: set[str], since_at: str) -> set[str]:
    """Identifiers in the sellers' messages that gained a holder since ``since_at``."""
    rows = store.read_plain(MENTIONED_CHANGED, {"sellers": sorted(sellers), "since": since_at})
    return set(rows[0]["keys"]) if rows else set()


def changed_keys_of(store: Store, accounts: set[str], since_at: str) -> set[str]:
    keys: set[str] = set()
    ordered = sorted(accounts)
    for start in range(0, len(ordered), BATCH):
        rows = store.read_plain(
            CHANGED_KEYS_OF, {"accounts": ordered[start : start + BATCH], "since": since_at}
        )
        keys.update(rows[0]["keys"] if rows else [])
    return keys


def pairs_mentioning(store: Store, keys: set[str]) -> set[Pair]:
    if not keys:
        return set()
    rows = store.read_plain(PAIRS_MENTIONING, {"keys": sorted(keys)})
    return {(b, s) for b, s in rows[0]["pairs"]} if rows else set()


def pairs_crossing_quiet(
    store: Store,
    weights: Weights,
    before_us: int,
    now_us: int,
    sellers: set[str] | None = None,
) -> set[Pair]:
    """Pairs whose exchange went quiet (``quiet_days`` passed) between two values of the data's
    "now", in epoch microseconds (``pairs.went_quiet`` counts whole days)."""
    if now_us <= before_us:
        return set()
    quiet = weights.pair.timeline.quiet_days * DAY_US
    rows = store.read_plain(
        PAIRS_EXCHANGED_BETWEEN,
        {
            "lo": before_us - quiet,
            "hi": now_us - quiet,
            "sellers": sorted(sellers) if sellers is not None else None,
        },
    )
    return {(b, s) for b, s in rows[0]["pairs"]} if rows else set()


def suppression_changed(
    before: dict[str, str], now: dict[str, str], sellers: set[str] | None = None
) -> set[Pair]:
    """Pairs allow-listed, snoozed, lifted or expired between two runs (by flag id)."""
    pairs: set[Pair] = set()
    for flag_id in set(before) | set(now):
        if before.get(flag_id) != now.get(flag_id):
            ref = parse_flag_id(flag_id)
            if ref.buyer_id and ref.seller_id and (sellers is None or ref.seller_id in sellers):
                pairs.add((ref.buyer_id, ref.seller_id))
    return pairs


def pair_accounts(pairs: set[Pair]) -> set[str]:
    return {buyer_key(b) for b, _ in pairs} | {seller_key(s) for _, s in pairs}
