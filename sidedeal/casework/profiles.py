"""Seller and buyer profiles: who the account is and its figures at a glance.

Figures are sums over the account's ``DEALT_WITH`` pair edges (recomputed by every ingest), so a
profile costs one pass over the account's pairs rather than over its messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, LiteralString

from pydantic import BaseModel

from sidedeal.casework.common import natives
from sidedeal.casework.masking import known_values, mask_key, mask_text, mask_value
from sidedeal.errors import NotFound
from sidedeal.graph.store import Store

TOP = 25

PROFILE: LiteralString = """
MATCH (a:Account {account_key: $key})
CALL (a) {
  OPTIONAL MATCH (a)-[d:DEALT_WITH]-(o:Account)
  RETURN count(o) AS counterparties, sum(d.conversations) AS conversations,
         sum(d.messages) AS messages, sum(d.orders) AS orders,
         sum(d.order_value) AS order_value, sum(d.findings) AS findings,
         sum(d.contact_findings) AS contact_findings, sum(d.cue_findings) AS cue_findings,
         count(CASE WHEN d.score > 0 THEN 1 END) AS scored_pairs
}
CALL (a) {
  OPTIONAL MATCH (a)-[d:DEALT_WITH]-(o:Account)
  WITH d, o WHERE o IS NOT NULL
  ORDER BY coalesce(d.score, 0.0) DESC, d.last_at DESC LIMIT $top
  RETURN collect({id: coalesce(o.seller_id, o.buyer_id), name: o.name,
                  conversations: d.conversations, orders: d.orders, findings: d.findings,
                  score: d.score, last_at: toString(d.last_at)}) AS pairs
}
CALL (a) {
  OPTIONAL MATCH (f:Flag)-[:CONCERNS]->(a)
  WITH f WHERE f IS NOT NULL ORDER BY f.score DESC, f.flag_id
  RETURN collect(f {.flag_id, .kind, .status, .score, .top_reason, .assignee, .evidence,
                    updated_at: toString(f.updated_at)}) AS flags
}
CALL (a) {
  OPTIONAL MATCH (a)-[:MEMBER_OF]->(c:Cluster)
  WITH c WHERE c IS NOT NULL AND c.status = 'active'
  RETURN collect(c {.cluster_id, .size, .score, .sellers, .buyers}) AS clusters
}
CALL (a) {
  OPTIONAL MATCH (a)-[h:HAS_IDENTIFIER]->(i:Identifier)
  WITH i, collect(DISTINCT h.source) AS sources WHERE i IS NOT NULL
  WITH i, sources, COUNT { MATCH (x:Account)-[:HAS_IDENTIFIER]->(i) RETURN DISTINCT x } AS holders
  RETURN collect({key: i.key, kind: i.kind, value: i.value, valid: i.valid, sources: sources,
                  holders: holders}) AS identifiers
}
RETURN a {.*} AS account,
       COUNT { (a)-[:HAS_STRIKE]->(x:Strike) WHERE x.void = false AND x.expires_at > datetime() }
         AS active_strikes,
       counterparties, conversations, messages, orders, order_value, findings,
       contact_findings, cue_findings, scored_pairs, pairs, flags, clusters, identifiers
"""


class Figures(BaseModel):
    counterparties: int
    conversations: int
    messages: int
    orders: int
    order_value: float
    findings: int
    contact_findings: int
    cue_findings: int
    scored_pairs: int


class ProfileFlag(BaseModel):
    flag_id: str
    kind: str
    status: str
    score: float
    top_reason: str | None = None
    assignee: str | None = None
    updated_at: datetime | None = None
    evidence: list[str] = []


class ProfilePair(BaseModel):
    """A counterparty: the buyer on a seller's profile, the seller on a buyer's."""

    id: str
    name: str | None = None
    conversations: int | None = None
    orders: int | None = None
    findings: int | None = None
    score: float | None = None
    last_at: datetime | None = None


class ProfileCluster(BaseModel):
    cluster_id: str
    size: int | None = None
    score: float | None = None
    sellers: int | None = None
    buyers: int | None = None


class HeldIdentifier(BaseModel):
    key: str
    kind: str
    value: str
    valid: bool | None = None
    sources: list[str]
    holders: int


class Profile(BaseModel):
    kind: Literal["seller", "buyer"]
    id: str
    name: str | None = None
    country: str | None = None
    created_at: datetime | None = None
    status: str | None = None
    strikes: int | None = None
    figures: Figures
    flags_by_status: dict[str, int]
    flags: list[ProfileFlag]
    pairs: list[ProfilePair]
    clusters: list[ProfileCluster]
    identifiers: list[HeldIdentifier]

    def masked(self) -> Profile:
        identifiers = [
            i.model_copy(update={"key": mask_key(i.key), "value": mask_value(i.kind, i.value)})
            for i in self.identifiers
        ]
        flags = []
        for f in self.flags:
            known = known_values(f.evidence)
            reason = mask_text(f.top_reason, known) if f.top_reason else None
            flags.append(
                f.model_copy(
                    update={"top_reason": reason, "evidence": [mask_key(e) for e in f.evidence]}
                )
            )
        return self.model_copy(update={"identifiers": identifiers, "flags": flags})


def profile(store: Store, kind: Literal["seller", "buyer"], account_id: str) -> Profile:
    """The account's profile; NotFound when there is no such account."""
    rows = store.read(PROFILE, {"key": f"{kind}:{account_id}", "top": TOP})
    if not rows:
        raise NotFound(f"no {kind} {account_id!r}; search for it with GET /search?q=")
    row = rows[0]
    account = natives(row["account"])
    flags: list[dict[str, Any]] = [natives(f) for f in row["flags"]]
    by_status: dict[str, int] = {}
    for flag in flags:
        by_status[flag["status"]] = by_status.get(flag["status"], 0) + 1
        flag["evidence"] = list(flag.get("evidence") or [])
    figures = {
        name: row[name] or 0
        for name in (
            "counterparties",
            "conversations",
            "messages",
            "orders",
            "order_value",
            "findings",
            "contact_findings",
            "cue_findings",
            "scored_pairs",
        )
    }
    return Profile(
        kind=kind,
        id=account_id,
        name=account.get("name"),
        country=account.get("country"),
        created_at=account.get("created_at"),
        status=account.get("status"),
        strikes=row["active_strikes"] if kind == "seller" else None,
        figures=Figures(**figures),
        flags_by_status=by_status,
        flags=[ProfileFlag(**f) for f in flags[:TOP]],
        pairs=[ProfilePair(**natives(p)) for p in row["pairs"]],
        clusters=[ProfileCluster(**c) for c in row["clusters"]],
        identifiers=[HeldIdentifier(**i) for i in row["identifiers"]],
    )
