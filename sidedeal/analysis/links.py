"""Shared identifiers: which accounts hold the same phone, email, handle, IBAN, device or address,
and how much that says, weighted by how specific the identifier is.

Identifiers are streamed from Neo4j in pages (by key, using the unique index), never as one giant
result; only identifiers with 2..``max_holders`` holders are expanded into account pairs.
:func:`links_of` computes the links of a few accounts the same way (incremental runs), reading
only their identifiers.

An identifier's weight depends on how many accounts the marketplace has (an IDF), which every new
account changes a little. The count used is the :func:`population` step at or above it (eight
steps per doubling), so a link's weight changes only when the marketplace crosses a step: between
steps an incremental run computes exactly what a full run computes, and a run that sees a new
step re-scores everything (see ``incremental.py``).
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

# The identifiers of some accounts, each with its holders (at most $cap of them: an identifier held
# by more than max_holders accounts weighs nothing, so the rest need not be read).
IDENTIFIERS_OF: LiteralString = """
UNWIND $accounts AS key
MATCH (:Account {account_key: key})-[:HAS_IDENTIFIER]->(i:Identifier)
WITH DISTINCT i
CALL (i) {
  MATCH (i)<-[:HAS_IDENTIFIER]-(a)
  WITH DISTINCT a LIMIT $cap
  RETURN collect(a.account_key) AS holders
}
RETURN collect([i.key, i.kind, coalesce(i.valid, true), holders]) AS page
"""

# How many accounts (and seller accounts) hold each of these identifiers.
HOLDER_COUNTS: LiteralString = """
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
RETURN collect([key, COUNT { MATCH (i)<-[:HAS_IDENTIFIER]-(a) RETURN DISTINCT a },
                COUNT { MATCH (i)<-[:HAS_IDENTIFIER]-(a:Seller) RETURN DISTINCT a }]) AS rows
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


STEPS_PER_DOUBLING = 8


def population(accounts: int) -> float:
    """The account count the IDF uses: the smallest 2^(k/8) at or above ``accounts``.

    A step is about 9% more accounts; moving from one to the next changes an identifier's weight
    by at most ~0.002 (held by 25) and ~0.0003 (held by 3), so nothing a reviewer reads moves,
    while runs between steps stay exactly comparable.
    """
    if accounts <= 2:
        return 2.0
    step = math.ceil(math.log2(accounts) * STEPS_PER_DOUBLING - 1e-9)
    value: float = math.pow(2.0, step / STEPS_PER_DOUBLING)
    return value if value >= accounts else math.pow(2.0, (step + 1) / STEPS_PER_DOUBLING)


def specificity(holders: int, accounts: float, weights: Weights) -> float:
    """How much one identifier held by ``holders`` of ``accounts`` accounts links them (0..1)."""
    if holders < 2 or holders > weights.links.max_holders:
        return 0.0
    total = max(accounts, holders, 3)
    idf = math.log(total / holders) / math.log(total / 2)
    damp = min(1.0, (weights.links.soft_cap / holders) ** 2)
    return max(0.0, min(1.0, idf)) * damp


def identifier_weight(held: Held, accounts: float, weights: Weights) -> float:
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


def count_population(store: Store) -> tuple[int, float]:
    """(accounts in the graph, the population step the weights use)."""
    accounts = store.count(ACCOUNT_COUNT)
    return accounts, population(accounts)


def _expand(
    links: dict[tuple[str, str], Link],
    held: Held,
    weight: float,
    only: frozenset[str] | None = None,
) -> None:
    """Add ``held`` to the link of every two of its holders (``only``: pairs touching these)."""
    holders = held.holders
    for i, a in enumerate(holders):
        for b in holders[i + 1 :]:
            if only is not None and a not in only and b not in only:
                continue
            link = links.get((a, b))
            if link is None:
                link = links[(a, b)] = Link(a, b)
            link.keys.append(held.key)
            link.weights.append(weight)


def build_links(store: Store, weights: Weights, accounts: float | None = None) -> LinkResult:
    """Account pairs that share at least one identifier of weight > 0, with the overlap ratio,
    and how many accounts hold each identifier. ``accounts`` is the population step (counted
    when not given)."""
    if accounts is None:
        accounts = count_population(store)[1]
    links: dict[tuple[str, str], Link] = {}
    holder_counts: dict[str, int] = {}
    seller_counts: dict[str, int] = {}
    for held in stream_identifiers(store):
        holder_counts[held.key] = len(held.holders)
        seller_counts[held.key] = sum(1 for h in held.holders if is_seller(h))
        weight = identifier_weight(held, accounts, weights)
        if weight > 0:
            _expand(links, held, weight)
    _overlaps(store, links)
    return LinkResult(links, holder_counts, seller_counts)


def links_of(
    store: Store, weights: Weights, accounts: set[str], population_step: float
) -> dict[tuple[str, str], Link]:
    """Every link with at least one end in ``accounts``, exactly as :func:`build_links` gives it
    (keys in key order, the same weights and overlap), reading only those accounts' identifiers."""
    only = frozenset(accounts)
    held_all: dict[str, Held] = {}
    ordered = sorted(only)
    for start in range(0, len(ordered), PAGE):
        rows = store.read_plain(
            IDENTIFIERS_OF,
            {"accounts": ordered[start : start + PAGE], "cap": weights.links.max_holders + 1},
        )
        for key, kind, valid, holders in rows[0]["page"] if rows else []:
            held_all[key] = Held(key, kind, bool(valid), tuple(sorted(holders)))
    links: dict[tuple[str, str], Link] = {}
    for key in sorted(held_all):
        held = held_all[key]
        weight = identifier_weight(held, population_step, weights)
        if weight > 0:
            _expand(links, held, weight, only)
    _overlaps(store, links)
    return links


def holder_counts(store: Store, keys: set[str]) -> dict[str, tuple[int, int]]:
    """Identifier key -> (accounts holding it, seller accounts holding it)."""
    counts: dict[str, tuple[int, int]] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), PAGE):
        rows = store.read_plain(HOLDER_COUNTS, {"keys": ordered[start : start + PAGE]})
        for key, n, sellers in rows[0]["rows"] if rows else []:
            counts[key] = (int(n), int(sellers))
    return counts


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
    """Rows for ``results.WRITE_LINKS``. ``weight`` and ``overlap`` are rounded for people;
    ``key_weights`` keeps each identifier's exact weight, from which an incremental run rebuilds
    the link exactly (:func:`stored_link`)."""
    return [
        {
            "a": link.a,
            "b": link.b,
            "weight": round(link.weight, 6),
            "overlap": round(link.overlap, 6),
            "shared": link.shared,
            "keys": link.keys,
            "key_weights": link.weights,
        }
        for link in links.values()
    ]


def stored_link(a: str, b: str, keys: list[str], key_weights: list[float], overlap: float) -> Link:
    """A link as :func:`link_rows` stored it (``overlap`` comes back rounded)."""
    return Link(a, b, list(keys), [float(w) for w in key_weights], float(overlap))
