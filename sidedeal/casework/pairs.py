"""Pair detail: everything between one buyer and one seller, as an investigator reads it.

The conversations come as a timeline; each message carries its findings' spans (``start``/``end``
index the body as Python code points), so a client can highlight exactly what the scanner read. A
viewer gets the body with those spans starred out, same length, so the offsets still hold.
One statement reads it all: pair detail is on the queue's hot path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

from pydantic import BaseModel

from sidedeal.casework.allowlist import AllowListEntry
from sidedeal.casework.common import loads, natives
from sidedeal.casework.flags import Factor, FlagSummary
from sidedeal.casework.masking import (
    known_values,
    mask_body,
    mask_finding_value,
    mask_key,
    mask_text,
)
from sidedeal.errors import NotFound
from sidedeal.graph.store import Store
from sidedeal.ids import pair_flag_id

PAIR: LiteralString = """
MATCH (b:Buyer {buyer_id: $buyer_id})
MATCH (s:Seller {seller_id: $seller_id})
OPTIONAL MATCH (b)-[d:DEALT_WITH]->(s)
OPTIONAL MATCH (f:Flag {flag_id: $flag_id})
OPTIONAL MATCH (w:AllowList {flag_id: $flag_id})
CALL (b, s) {
  OPTIONAL MATCH (b)-[:PARTICIPATES_IN]->(c:Conversation)<-[:PARTICIPATES_IN]-(s)
  WITH c WHERE c IS NOT NULL
  OPTIONAL MATCH (c)-[:ABOUT]->(l:Listing)
  CALL (c) {
    MATCH (m:Message)-[:IN]->(c)
    WITH m ORDER BY m.sent_at, m.message_id LIMIT $max_messages
    RETURN collect(m {.message_id, sent_at: toString(m.sent_at), .sender, .body, .findings,
                      .cues}) AS messages
  }
  WITH c, l, messages ORDER BY c.started_at, c.conversation_id
  RETURN collect({conversation_id: c.conversation_id, started_at: toString(c.started_at),
                  listing: l {.listing_id, .title, .category, .price, .currency},
                  messages: messages}) AS conversations
}
CALL (b, s) {
  OPTIONAL MATCH (b)-[:PLACED]->(o:Order)-[:SOLD_BY]->(s)
  WITH o WHERE o IS NOT NULL
  OPTIONAL MATCH (o)-[:FOR]->(l:Listing)
  WITH o, l ORDER BY o.placed_at, o.order_id
  RETURN collect(o {.order_id, .amount, .currency, placed_at: toString(o.placed_at), .status,
                    .listing_id, .conversation_id, listing_title: l.title}) AS orders
}
RETURN b {.buyer_id, .name, .country, created_at: toString(b.created_at)} AS buyer,
       s {.seller_id, .name, .country, created_at: toString(s.created_at), .status, .strikes}
         AS seller,
       d {.conversations, .messages, .orders, .order_value, .findings, .contact_findings,
          .cue_findings, .buyer_findings, .seller_findings, first_at: toString(d.first_at),
          last_at: toString(d.last_at), .score, .features} AS figures,
       f {.flag_id, .kind, .status, .score, .top_reason, .reasons, .buyer_ids, .seller_ids,
          .run_id, .evidence, .assignee, .factors, created_at: toString(f.created_at),
          updated_at: toString(f.updated_at), alerted_at: toString(f.alerted_at),
          decided_at: toString(f.decided_at)} AS flag,
       w {.*} AS allow_list, conversations, orders
"""


class Finding(BaseModel):
    """A scanner finding: ``body[start:end]`` is the text it read."""

    kind: str
    value: str
    start: int
    end: int
    confidence: float | None = None
    rule: str | None = None


class Message(BaseModel):
    message_id: str
    sent_at: datetime | None = None
    sender: str
    body: str
    findings: list[Finding] = []
    cues: list[str] = []


class Listing(BaseModel):
    listing_id: str
    title: str | None = None
    category: str | None = None
    price: float | None = None
    currency: str | None = None


class Conversation(BaseModel):
    conversation_id: str
    started_at: datetime | None = None
    listing: Listing | None = None
    messages: list[Message]


class Order(BaseModel):
    order_id: str
    amount: float | None = None
    currency: str | None = None
    placed_at: datetime | None = None
    status: str | None = None
    listing_id: str | None = None
    conversation_id: str | None = None
    listing_title: str | None = None


class Party(BaseModel):
    id: str
    name: str | None = None
    country: str | None = None
    created_at: datetime | None = None
    status: str | None = None
    strikes: int | None = None


class PairFigures(BaseModel):
    conversations: int = 0
    messages: int = 0
    orders: int = 0
    order_value: float = 0.0
    findings: int = 0
    contact_findings: int = 0
    cue_findings: int = 0
    buyer_findings: int = 0
    seller_findings: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None


class PairDetail(BaseModel):
    buyer: Party
    seller: Party
    figures: PairFigures | None
    score: float | None
    features: dict[str, Any] | None
    factors: list[Factor]
    flag: FlagSummary | None
    allow_list: AllowListEntry | None
    conversations: list[Conversation]
    orders: list[Order]
    messages_capped_at: int

    def masked(self) -> PairDetail:
        conversations = [
            c.model_copy(update={"messages": [_mask_message(m) for m in c.messages]})
            for c in self.conversations
        ]
        features = dict(self.features) if self.features is not None else None
        if features is not None:
            shared = features.get("shared_identifiers") or []
            features["shared_identifiers"] = [mask_key(k) for k in shared]
        flag = self.flag.masked() if self.flag is not None else None
        known = known_values(
            [
                *(self.flag.evidence if self.flag else []),
                *(self.features or {}).get("shared_identifiers", []),
                *(e for f in self.factors for e in f.evidence),
            ]
        )
        masked_factors = [
            f.model_copy(
                update={
                    "reason": mask_text(f.reason, known),
                    "evidence": [mask_key(e) for e in f.evidence],
                }
            )
            for f in self.factors
        ]
        return self.model_copy(
            update={
                "conversations": conversations,
                "features": features,
                "flag": flag,
                "factors": masked_factors,
                "allow_list": self.allow_list.masked() if self.allow_list else None,
            }
        )


def _mask_message(message: Message) -> Message:
    raw = [f.model_dump() for f in message.findings]
    return message.model_copy(
        update={
            "body": mask_body(message.body, raw),
            "findings": [
                f.model_copy(update={"value": mask_finding_value(d)})
                for f, d in zip(message.findings, raw, strict=True)
            ],
        }
    )


def _message(raw: dict[str, Any]) -> Message:
    item = natives(raw)
    item["findings"] = loads(item.get("findings"), [])
    item["cues"] = list(item.get("cues") or [])
    item["body"] = item.get("body") or ""
    return Message(**item)


def pair_detail(
    store: Store, buyer_id: str, seller_id: str, *, max_messages: int = 500
) -> PairDetail:
    """The pair's timeline, orders, figures and score factors; NotFound when they never dealt."""
    flag_id = pair_flag_id(buyer_id, seller_id)
    rows = store.read(
        PAIR,
        {
            "buyer_id": buyer_id,
            "seller_id": seller_id,
            "flag_id": flag_id,
            "max_messages": max_messages,
        },
    )
    if not rows:
        raise NotFound(f"no buyer {buyer_id!r} or no seller {seller_id!r}")
    row = rows[0]
    if not row["conversations"] and not row["orders"]:
        raise NotFound(f"buyer {buyer_id} and seller {seller_id} have no conversation or order")
    figures = natives(row["figures"]) if row["figures"] else None
    features = loads(figures.pop("features", None), None) if figures else None
    score = figures.pop("score", None) if figures else None
    flag_raw = natives(row["flag"]) if row["flag"] else None
    factors = loads(flag_raw.pop("factors", None), []) if flag_raw else []
    if flag_raw:
        for key in ("reasons", "buyer_ids", "seller_ids", "evidence"):
            flag_raw[key] = list(flag_raw.get(key) or [])
    buyer = natives(row["buyer"])
    seller = natives(row["seller"])
    return PairDetail(
        buyer=Party(id=buyer.pop("buyer_id"), **buyer),
        seller=Party(id=seller.pop("seller_id"), **seller),
        figures=PairFigures(**{k: v for k, v in figures.items() if v is not None})
        if figures
        else None,
        score=score,
        features=features,
        factors=[Factor(**f) for f in factors],
        flag=FlagSummary(**flag_raw) if flag_raw else None,
        allow_list=AllowListEntry(**natives(row["allow_list"])) if row["allow_list"] else None,
        conversations=[
            Conversation(**{**natives(c), "messages": [_message(m) for m in c["messages"]]})
            for c in row["conversations"]
        ],
        orders=[Order(**natives(o)) for o in row["orders"]],
        messages_capped_at=max_messages,
    )
