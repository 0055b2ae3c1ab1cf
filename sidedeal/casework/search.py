"""Search accounts by id or name, and identifiers of every kind (phone, email, handle, IBAN,
payout account, website, IP, device, address).

How a query is recognised as each kind, and which identifier keys it may stand for, is declared in
the identifier registry (:mod:`sidedeal.identifiers.recognisers`), with the normalisation ingest
used, so a query finds the node ingest wrote whatever way it was typed. A phone typed without its
country code is tried in every region ingest could have used as a default: the countries of the
accounts in the graph, plus the configured ``phone_regions`` and the query's ``country``.
"""

from __future__ import annotations

import re
import time
import unicodedata
from datetime import datetime
from typing import Any, Literal, LiteralString

from pydantic import BaseModel

from sidedeal.casework.common import natives
from sidedeal.casework.masking import mask_key, mask_value
from sidedeal.graph.store import Store
from sidedeal.identifiers import BY_NAME, KINDS
from sidedeal.ids import buyer_key, seller_key

# What ``kind`` a search may ask for: every identifier kind, plus these.
MODES = ("auto", "id", "name")
SEARCH_KINDS: tuple[str, ...] = (*MODES, *(k.name for k in KINDS))
HOLDERS_SHOWN = 50

ACCOUNT_FIELDS: LiteralString = """
RETURN CASE WHEN a:Seller THEN 'seller' ELSE 'buyer' END AS kind,
       coalesce(a.seller_id, a.buyer_id) AS id, a.name AS name, a.country AS country,
       a.created_at AS created_at, a.status AS status,
       COUNT { (f:Flag)-[:CONCERNS]->(a) WHERE f.status = 'open' } AS open_flags
"""

ACCOUNTS_BY_KEY: LiteralString = (
    "MATCH (a:Account) WHERE a.account_key IN $keys" + ACCOUNT_FIELDS + "ORDER BY kind DESC, id"
)

# Names through the full-text index (migration 0007): best match first, and among equal matches
# the accounts with open flags first (an investigator looks for the flagged seller, not the
# inactive buyer of the same name).
ACCOUNTS_BY_NAME: LiteralString = (
    "CALL db.index.fulltext.queryNodes('account_names', $query, {limit: $limit}) "
    "YIELD node AS a, score" + ACCOUNT_FIELDS + ", score ORDER BY score DESC, open_flags DESC, "
    "name, id"
)

# A fragment inside a word ("artle") is no word the index holds: when the index finds nothing,
# a substring scan over every account still answers (slow on a big graph, but never a dead end).
ACCOUNTS_BY_NAME_CONTAINS: LiteralString = (
    "MATCH (a:Account) WHERE toLower(a.name) CONTAINS $needle WITH a ORDER BY a.name, "
    "a.account_key LIMIT $limit" + ACCOUNT_FIELDS
)

# Lucene's query syntax: a name is searched as words, never as a query language.
LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
WORD_SPLIT = re.compile(r"[^\w'.]+")
FUZZY_FROM = 4  # shorter words would match too much at one edit

IDENTIFIER_FIELDS: LiteralString = """
CALL (i) {
  OPTIONAL MATCH (a:Account)-[:HAS_IDENTIFIER]->(i)
  WITH DISTINCT a WHERE a IS NOT NULL
  RETURN count(a) AS holder_count,
         collect({kind: CASE WHEN a:Seller THEN 'seller' ELSE 'buyer' END,
                  id: coalesce(a.seller_id, a.buyer_id), name: a.name})[..$holders] AS holders
}
RETURN i.key AS key, i.kind AS kind, i.value AS value, i.valid AS valid, holder_count, holders,
       COUNT { (i)<-[:MENTIONS]-() } AS mentions
"""

IDENTIFIERS_BY_KEY: LiteralString = (
    "MATCH (i:Identifier) WHERE i.key IN $keys" + IDENTIFIER_FIELDS + "ORDER BY key"
)

# A handle typed without its platform ("@hartley_w") is looked for on every platform.
BY_SUFFIX: LiteralString = (
    "MATCH (i:Identifier {kind: $kind}) WHERE i.value ENDS WITH $suffix "
    "WITH i ORDER BY i.value LIMIT $limit" + IDENTIFIER_FIELDS
)

COUNTRIES: LiteralString = (
    "MATCH (a:Account) WHERE a.country IS NOT NULL RETURN DISTINCT a.country AS country"
)


class AccountRef(BaseModel):
    kind: Literal["seller", "buyer"]
    id: str
    name: str | None = None


class AccountSummary(AccountRef):
    country: str | None = None
    created_at: datetime | None = None
    status: str | None = None
    open_flags: int = 0


class IdentifierHit(BaseModel):
    """An identifier node with who holds it (first 50) and how many messages mention it."""

    key: str
    kind: str
    value: str
    valid: bool | None = None
    holder_count: int
    holders: list[AccountRef]
    mentions: int

    def masked(self) -> IdentifierHit:
        return self.model_copy(
            update={"key": mask_key(self.key), "value": mask_value(self.kind, self.value)}
        )


class SearchResult(BaseModel):
    query: str
    searched: list[str]
    accounts: list[AccountSummary]
    identifiers: list[IdentifierHit]

    def masked(self) -> SearchResult:
        return self.model_copy(update={"identifiers": [i.masked() for i in self.identifiers]})


_countries: tuple[float, list[str]] = (0.0, [])


def graph_countries(store: Store, ttl: float = 300.0) -> list[str]:
    """The accounts' countries, cached for ``ttl`` seconds (they change only with an ingest)."""
    global _countries
    if time.monotonic() - _countries[0] > ttl:
        found = sorted(str(r["country"]) for r in store.read(COUNTRIES))
        _countries = (time.monotonic(), found)
    return _countries[1]


def _fold(word: str) -> str:
    """Lower case without accents, as the index's ``standard-folding`` analyzer stores names
    (wildcard and fuzzy terms are not analysed, so the query must be folded here)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_query(text: str) -> str | None:
    """The Lucene query for a typed name: every word must match, as itself (ranked first), as
    the start of a word ("hartl" for Hartley) or, from four letters, with one typo ("hartly")."""
    clauses = []
    for raw in WORD_SPLIT.split(_fold(text)):
        word = LUCENE_SPECIAL.sub(r"\\\1", raw.strip("'."))
        if not word:
            continue
        options = [f"{word}^4", f"{word}*"]
        if len(raw) >= FUZZY_FROM:
            options.append(f"{word}~1")
        clauses.append("+(" + " ".join(options) + ")")
    return " ".join(clauses) or None


def modes(query: str, kind: str) -> list[str]:
    """Which searches a query runs: the one asked for, or every kind its shape allows.

    A query shaped like an email or a phone is not a name, so it skips the name search.
    """
    if kind != "auto":
        if kind not in SEARCH_KINDS:
            raise ValueError(f"unknown search kind {kind!r}; one of {', '.join(SEARCH_KINDS)}")
        return [kind]
    found = ["id"]
    shaped = [k for k in KINDS if k.search.looks_like(query)]
    found += [k.name for k in shaped]
    if all(k.search.also_a_name for k in shaped):
        found.append("name")
    return found


def identifier_keys(query: str, mode: str, regions: list[str]) -> set[str]:
    """The identifier keys ingest would have written for ``query`` read as ``mode``."""
    kind = BY_NAME.get(mode)
    return kind.search.keys(query, regions) if kind is not None else set()


def search(
    store: Store,
    query: str,
    *,
    kind: str = "auto",
    country: str | None = None,
    regions: list[str] | None = None,
    limit: int = 20,
) -> SearchResult:
    """Accounts and identifiers matching ``query``; see the module docstring."""
    text = query.strip()
    searched = modes(text, kind)
    accounts: list[dict[str, Any]] = []
    if "id" in searched:
        wanted = [seller_key(text), buyer_key(text)]
        accounts += store.read(ACCOUNTS_BY_KEY, {"keys": wanted})
    if "name" in searched and text:
        lucene = name_query(text)
        found = store.read(ACCOUNTS_BY_NAME, {"query": lucene, "limit": limit}) if lucene else []
        if not found:
            found = store.read(ACCOUNTS_BY_NAME_CONTAINS, {"needle": text.lower(), "limit": limit})
        seen = {(a["kind"], a["id"]) for a in accounts}
        accounts += [a for a in found if (a["kind"], a["id"]) not in seen]
    tried = [country] if country else []
    if any(BY_NAME[m].search.needs_regions for m in searched if m in BY_NAME):
        tried += [*(regions or []), *graph_countries(store)]
    keys: set[str] = set()
    for mode in searched:
        keys |= identifier_keys(text, mode, tried)
    identifiers = store.read(IDENTIFIERS_BY_KEY, {"keys": sorted(keys), "holders": HOLDERS_SHOWN})
    for mode in searched:
        kind_ = BY_NAME.get(mode)
        suffix = kind_.search.suffix(text) if kind_ and kind_.search.suffix else None
        if kind_ is not None and suffix is not None:
            rows = store.read(
                BY_SUFFIX,
                {"kind": kind_.name, "suffix": suffix, "limit": limit, "holders": HOLDERS_SHOWN},
            )
            identifiers += [r for r in rows if r["key"] not in keys]
    return SearchResult(
        query=query,
        searched=searched,
        accounts=[AccountSummary(**natives(a)) for a in accounts[:limit]],
        identifiers=[IdentifierHit(**i) for i in identifiers[:limit]],
    )
