"""Search accounts and identifiers by id, name, email, phone or handle.

Emails, phones and handles are normalised by :mod:`sidedeal.identifiers.normalisers`, the module ingest
used, so a query finds the node ingest wrote whatever way it was typed. A phone typed without its
country code is tried in every region ingest could have used as a default: the countries of the
accounts in the graph, plus the configured ``phone_regions`` and the query's ``country``.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any, Literal, LiteralString

from pydantic import BaseModel

from sidedeal.casework.common import natives
from sidedeal.casework.masking import mask_key, mask_value
from sidedeal.graph.store import Store
from sidedeal.identifiers.normalisers import normalise

SearchKind = Literal["auto", "id", "name", "email", "phone", "handle"]
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

ACCOUNTS_BY_NAME: LiteralString = (
    "MATCH (a:Account) WHERE toLower(a.name) CONTAINS $needle WITH a ORDER BY a.name, "
    "a.account_key LIMIT $limit" + ACCOUNT_FIELDS
)

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

HANDLES_BY_NAME: LiteralString = (
    "MATCH (i:Identifier {kind: 'handle'}) WHERE i.value ENDS WITH $suffix "
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


_PHONE_SHAPE = re.compile(r"^[\s+()\-./0-9\uff0b]{6,}$")
_countries: tuple[float, list[str]] = (0.0, [])


def graph_countries(store: Store, ttl: float = 300.0) -> list[str]:
    """The accounts' countries, cached for ``ttl`` seconds (they change only with an ingest)."""
    global _countries
    if time.monotonic() - _countries[0] > ttl:
        found = sorted(str(r["country"]) for r in store.read(COUNTRIES))
        _countries = (time.monotonic(), found)
    return _countries[1]


def modes(query: str, kind: SearchKind) -> list[str]:
    """Which searches a query runs: the one asked for, or every kind its shape allows."""
    if kind != "auto":
        return [kind]
    found = ["id"]
    digits = sum(ch.isdigit() for ch in query)
    if "@" in query.lstrip("@"):
        found.append("email")
    if digits >= 6 and _PHONE_SHAPE.match(query):
        found.append("phone")
    if query.startswith("@") or ":" in query:
        found.append("handle")
    # A name search scans every account (a contains match has no index to use); a query shaped
    # like an email or a phone is not a name, so it skips that scan.
    if not {"email", "phone"} & set(found):
        found.append("name")
    return found


def identifier_keys(query: str, mode: str, regions: list[str]) -> set[str]:
    """The identifier keys ingest would have written for ``query`` read as ``mode``."""
    if mode == "email":
        ident = normalise("email", query)
        return {ident.key} if ident else set()
    if mode == "phone":
        found = {normalise("phone", query, region) for region in [None, *regions]}
        return {ident.key for ident in found if ident is not None}
    if mode == "handle" and ":" in query:
        ident = normalise("handle", query)
        return {ident.key} if ident else set()
    return set()


def search(
    store: Store,
    query: str,
    *,
    kind: SearchKind = "auto",
    country: str | None = None,
    regions: list[str] | None = None,
    limit: int = 20,
) -> SearchResult:
    """Accounts and identifiers matching ``query``; see the module docstring."""
    text = query.strip()
    searched = modes(text, kind)
    accounts: list[dict[str, Any]] = []
    if "id" in searched:
        wanted = [f"seller:{text}", f"buyer:{text}"]
        accounts += store.read(ACCOUNTS_BY_KEY, {"keys": wanted})
    if "name" in searched and text:
        found = store.read(ACCOUNTS_BY_NAME, {"needle": text.lower(), "limit": limit})
        seen = {(a["kind"], a["id"]) for a in accounts}
        accounts += [a for a in found if (a["kind"], a["id"]) not in seen]
    tried = [country] if country else []
    tried += [*(regions or []), *graph_countries(store)] if "phone" in searched else []
    keys: set[str] = set()
    for mode in searched:
        keys |= identifier_keys(text, mode, tried)
    identifiers = store.read(IDENTIFIERS_BY_KEY, {"keys": sorted(keys), "holders": HOLDERS_SHOWN})
    if "handle" in searched and ":" not in text and text.lstrip("@"):
        handle = normalise("handle", text)
        if handle is not None:
            suffix = ":" + handle.value.split(":", 1)[1]
            rows = store.read(
                HANDLES_BY_NAME, {"suffix": suffix, "limit": limit, "holders": HOLDERS_SHOWN}
            )
            identifiers += [r for r in rows if r["key"] not in keys]
    return SearchResult(
        query=query,
        searched=searched,
        accounts=[AccountSummary(**natives(a)) for a in accounts[:limit]],
        identifiers=[IdentifierHit(**i) for i in identifiers[:limit]],
    )
