"""Shared identifiers: which accounts hold the same phone, email, handle, IBAN, device or address,
and how much that says, weighted by how specific the identifier is.

Identifiers are streamed from Neo4j in pages (by key, using the unique index), never as one giant
result; only identifiers with 2..``max_holders`` holders are expanded into account pairs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, LiteralString

from sidedeal.analysis.config import Weights
from sidedeal.graph.store import Store
from sidedeal.ids import is_seller, split_identifier_key

PAGE = 5000

# One row per page, holding the page as a list: the Python driver's cost per record received was
# most of the links stage (bench/RESULTS.md, "Why the code is shaped so").
IDENTIFIER_PAGE: LiteralString = """
MATCH (i:Identifier)
WHERE i.key > $after
WITH i ORDER BY i.key ASC LIMIT $limit
OPTIONAL MATCH (i)<-[:HAS_IDENTIFIER]-(a)
WITH i, collect(DISTINCT CASE WHEN a:Seller THEN 'seller:' + a.seller_id
                              ELSE 'buyer:' + a.buyer_id END) AS holders
RETURN collect([i.key, i.kind, coalesce(i.valid, true), holders]) AS page
"""

ACCOUNT_COUNT: LiteralString = """
CALL () { MATCH (b:Buyer) RETURN count(b) AS buyers }
CALL () { MATCH (s:Seller) RETURN count(s) AS sellers }
RETURN buyers + sellers AS n
"""

IDENTIFIER_COUNTS: LiteralString = """
UNWIND $accounts AS account
MATCH (a:Account {account_key: account})
RETURN account, COUNT { MATCH (a)-[:HAS_IDENTIFIER]->(i:Identifier) RETURN DISTINCT i } AS n
"""


@dataclass(frozen=True)
class Held:
    """An identifier and the accounts that hold it (``seller:s1``, ``buyer:b7``)."""

    key: str
    kind: str
    valid: bool
    holders: tuple[str, ...]


@dataclass
class Link:
    """Two accounts sharing identifiers: ``a < b``; weight is the noisy-OR of the identifiers'."""

    a: str
    b: str
    keys: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    overlap: float = 0.0

    @property
    def weight(self) -> float:
        remaining = 1.0
        for w in self.weights:
            remaining *= 1.0 - w
        return 1.0 - remaining

    @property
    def shared(self) -> int:
        return len(self.keys)

    def kinds(self) -> list[str]:
        return sorted({split_identifier_key(key)[0] for key in self.keys})


def specificity(holders: int, accounts: int, weights: Weights) -> float:
    """How much one identifier held by ``holders`` of ``accounts`` accounts links them (0..1)."""
    if holders < 2 or holders > weights.links.max_holders:
        return 0.0
    total = max(accounts, holders, 3)
    idf = math.log(total / holders) / math.log(total / 2)
    damp = min(1.0, (weights.links.soft_cap / holders) ** 2)
    return max(0.0, min(1.0, idf)) * damp


def identifier_weight(held: Held, accounts: int, weights: Weights) -> float:
    kind = weights.links.kind.get(held.kind, 0.0)
    invalid = 1.0 if held.valid else weights.links.invalid.factor
    return kind * invalid * specificity(len(held.holders), accounts, weights)


def stream_identifiers(store: Store, page: int = PAGE) -> Iterator[Held]:
    """Every identifier with its holders, page by page in key order."""
    after = ""
    while True:
        rows = store.read_plain(IDENTIFIER_PAGE, {"after": after, "limit": page})
        entries = sorted(rows[0]["page"]) if rows else []
        for key, kind, valid, holders in entries:
            yield Held(key, kind, bool(valid), tuple(sorted(holders)))
        if len(entries) < page:
            return
        after = entries[-1][0]


def personal(holders: int, weights: Weights) -> float:
    """How personal a contact detail is (1: one person's; 0: infrastructure), by its holders.

    Scales a contact typed in a message: the seller's own phone counts fully, the courier's
    phone that twenty sellers type to their buyers hardly at all.
    """
    if holders > weights.links.max_holders:
        return 0.0
    return min(1.0, (weights.links.soft_cap / max(holders, 1)) ** 2)


@dataclass
class LinkResult:
    links: dict[tuple[str, str], Link]
    holders: dict[str, int]  # identifier key -> number of accounts holding it
    seller_holders: dict[str, int]  # identifier key -> number of seller accounts holding it


def build_links(store: Store, weights: Weights) -> LinkResult:
    """Account pairs that share at least one identifier of weight > 0, with the overlap ratio,
    and how many accounts hold each identifier."""
    accounts = store.count(ACCOUNT_COUNT)
    links: dict[tuple[str, str], Link] = {}
    holder_counts: dict[str, int] = {}
    seller_counts: dict[str, int] = {}
    for held in stream_identifiers(store):
        holder_counts[held.key] = len(held.holders)
        seller_counts[held.key] = sum(1 for h in held.holders if is_seller(h))
        weight = identifier_weight(held, accounts, weights)
        if weight <= 0:
            continue
        holders = held.holders
        for i, a in enumerate(holders):
            for b in holders[i + 1 :]:
                link = links.get((a, b))
                if link is None:
                    link = links[(a, b)] = Link(a, b)
                link.keys.append(held.key)
                link.weights.append(weight)
    _overlaps(store, links)
    return LinkResult(links, holder_counts, seller_counts)


def _overlaps(store: Store, links: dict[tuple[str, str], Link]) -> None:
    """Jaccard overlap of the two accounts' identifier sets: shared / (|A| + |B| - shared)."""
    involved = sorted({x for pair in links for x in pair})
    sizes: dict[str, int] = defaultdict(int)
    for start in range(0, len(involved), PAGE):
        rows = store.read_plain(IDENTIFIER_COUNTS, {"accounts": involved[start : start + PAGE]})
        sizes.update({row["account"]: int(row["n"]) for row in rows})
    for link in links.values():
        union = sizes[link.a] + sizes[link.b] - link.shared
        link.overlap = link.shared / union if union > 0 else 0.0


def link_rows(links: dict[tuple[str, str], Link]) -> list[dict[str, Any]]:
    return [
        {
            "a": link.a,
            "b": link.b,
            "weight": round(link.weight, 6),
            "overlap": round(link.overlap, 6),
            "shared": link.shared,
            "keys": link.keys,
        }
        for link in links.values()
    ]
