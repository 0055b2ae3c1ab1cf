"""Pair features and the pair score: what happened between one buyer and one seller, and why an
investigator should (or should not) look at it.

The evidence is read from the graph for candidate pairs only (pairs with a finding in their messages,
or sharing an identifier): a pair with clean messages and no shared identifier has no factor and
scores 0, so reading it would be wasted work.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, LiteralString

from sidedeal.analysis.config import Weights
from sidedeal.analysis.links import Link
from sidedeal.analysis.scoring import Factor, Score, combine, describe_keys
from sidedeal.graph.store import Store
from sidedeal.identifiers import BY_NAME, names
from sidedeal.ids import split_identifier_key

# Kinds that, written in a message, are a contact or payment detail exchanged (the registry's).
CONTACT_KINDS = frozenset(names(contact=True))
BATCH = 500

PAIRS_WITH_FINDINGS: LiteralString = """
MATCH (b:Buyer)-[d:DEALT_WITH]->(s:Seller)
WHERE d.findings > 0
RETURN b.buyer_id AS buyer_id, s.seller_id AS seller_id
"""

LATEST_EVENT: LiteralString = """
CALL () { MATCH (m:Message) WHERE m.sent_at IS NOT NULL
          RETURN m.sent_at AS t ORDER BY t DESC LIMIT 1 }
RETURN t
UNION
CALL () { MATCH (o:Order) WHERE o.placed_at IS NOT NULL
          RETURN o.placed_at AS t ORDER BY t DESC LIMIT 1 }
RETURN t
"""

PAIR_EVIDENCE: LiteralString = """
UNWIND $pairs AS p
MATCH (b:Buyer {buyer_id: p.buyer_id})
MATCH (s:Seller {seller_id: p.seller_id})
OPTIONAL MATCH (b)-[d:DEALT_WITH]->(s)
CALL (b, s) {
  OPTIONAL MATCH (b)-[:PARTICIPATES_IN]->(c:Conversation)<-[:PARTICIPATES_IN]-(s)
  OPTIONAL MATCH (m:Message)-[:IN]->(c) WHERE m.finding_count > 0
  OPTIONAL MATCH (m)-[r:MENTIONS]->(i:Identifier)
  WITH m, r, i WHERE m IS NOT NULL
  RETURN collect({message_id: m.message_id,
                  sent_at: m.sent_at.epochSeconds * 1000000 + m.sent_at.microsecond,
                  sender: m.sender, cues: m.cues, key: i.key, kind: i.kind}) AS evidence
}
CALL (b, s) {
  OPTIONAL MATCH (b)-[:PLACED]->(o:Order)-[:SOLD_BY]->(s)
  WITH o WHERE o IS NOT NULL AND NOT o.status IN ['cancelled', 'canceled', 'refunded']
  RETURN collect(o.placed_at.epochSeconds * 1000000 + o.placed_at.microsecond) AS orders
}
RETURN p.buyer_id AS buyer_id, p.seller_id AS seller_id,
       coalesce(d.conversations, 0) AS conversations, coalesce(d.messages, 0) AS messages,
       coalesce(d.order_value, 0.0) AS order_value,
       d.last_at.epochSeconds * 1000000 + d.last_at.microsecond AS last_at, evidence, orders
"""
# Times come back as microseconds since the epoch (see _utc): the driver's conversion of its own
# DateTime values was a large share of this stage's time (bench/RESULTS.md).

# The pair's features and score, kept on its DEALT_WITH edge for the API's pair view, with what
# the next incremental run reads instead of scoring the pair again: the exact factors (the score
# is rebuilt from them), the exact score when the pair weighs on its seller and clusters
# (`evidence_score`: flagged and not allow-listed), and when contact was first exchanged
# (`exchange_at`, epoch microseconds: the one thing the data's moving "now" is compared with).
# Pairs scored by an earlier run but not by this one are reset; a pair written after this run
# started (a re-score of one event meanwhile) is newer than what this run read, and is kept.
WRITE_PAIR_FEATURES: LiteralString = """
UNWIND $rows AS row
MATCH (b:Buyer {buyer_id: row.buyer_id})-[d:DEALT_WITH]->(s:Seller {seller_id: row.seller_id})
SET d.score = row.score, d.features = row.features, d.factors = row.factors,
    d.evidence_score = row.evidence_score, d.exchange_at = row.exchange_at,
    d.scored_by = $run_id, d.scored_at = datetime($now)
"""

# A pair no longer a candidate reads as one never scored (no score, no features).
RESET_UNSCORED_PAIRS: LiteralString = """
MATCH ()-[d:DEALT_WITH]->()
WHERE d.scored_by IS NOT NULL AND d.scored_by <> $run_id
  AND (d.scored_at IS NULL OR d.scored_at < datetime($now))
SET d.score = null, d.features = null, d.factors = null, d.evidence_score = null,
    d.exchange_at = null, d.scored_by = null, d.scored_at = null
"""

# The same for the pairs an incremental run re-scored and found no longer candidates.
RESET_PAIRS: LiteralString = """
UNWIND $pairs AS p
MATCH (:Buyer {buyer_id: p[0]})-[d:DEALT_WITH]->(:Seller {seller_id: p[1]})
WHERE d.scored_by IS NOT NULL
SET d.score = null, d.features = null, d.factors = null, d.evidence_score = null,
    d.exchange_at = null, d.scored_by = null, d.scored_at = null
"""


@dataclass(frozen=True)
class Mention:
    message_id: str
    sent_at: datetime
    sender: str
    kind: str
    key: str


@dataclass(frozen=True)
class Cue:
    message_id: str
    sent_at: datetime
    sender: str
    category: str


@dataclass
class PairEvidence:
    buyer_id: str
    seller_id: str
    conversations: int = 0
    messages: int = 0
    order_value: float = 0.0
    last_at: datetime | None = None
    mentions: list[Mention] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    orders: list[datetime] = field(default_factory=list)
    link: Link | None = None
    # identifier key -> how personal it is (1 = one person's, 0 = infrastructure); see links.personal
    personal: dict[str, float] = field(default_factory=dict)

    @property
    def first_exchange(self) -> Mention | None:
        contacts = [m for m in self.mentions if BY_NAME[m.kind].exchange]
        return min(contacts, key=lambda m: m.sent_at) if contacts else None

    @property
    def exchange_at(self) -> datetime | None:
        """When the pair first moved towards going outside (see :func:`_exchange`)."""
        exchange = _exchange(self)
        return exchange[0] if exchange else None


def latest_event(store: Store) -> datetime | None:
    """The data's "now": the latest message or order, so an export from last year reads right."""
    times = [row["t"] for row in store.read(LATEST_EVENT) if row["t"] is not None]
    return max(times).to_native() if times else None


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_micros(at: datetime | None) -> int | None:
    """An aware datetime as microseconds since the epoch (exactly, as PAIR_EVIDENCE returns)."""
    if at is None:
        return None
    delta = at - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _utc(micros: int | None) -> datetime | None:
    """Microseconds since the epoch (as PAIR_EVIDENCE returns times) as an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=micros) if micros is not None else None


def read_evidence(store: Store, pairs: list[tuple[str, str]]) -> Iterator[PairEvidence]:
    """Evidence for the given (buyer_id, seller_id) pairs, read in batches."""
    for start in range(0, len(pairs), BATCH):
        chunk = [{"buyer_id": b, "seller_id": s} for b, s in pairs[start : start + BATCH]]
        for row in store.read_plain(PAIR_EVIDENCE, {"pairs": chunk}):
            yield _evidence(row)


def _evidence(row: dict[str, Any]) -> PairEvidence:
    ev = PairEvidence(
        row["buyer_id"],
        row["seller_id"],
        conversations=row["conversations"],
        messages=row["messages"],
        order_value=float(row["order_value"] or 0.0),
        last_at=_utc(row["last_at"]),
        orders=sorted(EPOCH + timedelta(microseconds=t) for t in row["orders"]),
    )
    seen_cues: set[tuple[str, str]] = set()
    for item in row["evidence"]:
        sent_at = EPOCH + timedelta(microseconds=item["sent_at"])
        if item["key"] is not None and item["kind"] in CONTACT_KINDS:
            ev.mentions.append(
                Mention(item["message_id"], sent_at, item["sender"], item["kind"], item["key"])
            )
        for category in item["cues"] or ():
            if (item["message_id"], category) not in seen_cues:
                seen_cues.add((item["message_id"], category))
                ev.cues.append(Cue(item["message_id"], sent_at, item["sender"], category))
    ev.mentions = sorted(set(ev.mentions), key=lambda m: (m.sent_at, m.message_id, m.key))
    ev.cues.sort(key=lambda c: (c.sent_at, c.message_id, c.category))
    return ev


def _value(key: str) -> str:
    return split_identifier_key(key)[1]


def pair_factors(ev: PairEvidence, weights: Weights, as_of: datetime | None) -> list[Factor]:
    """The named factors of one pair (see weights.toml [pair])."""
    w = weights.pair
    factors: list[Factor] = []

    def strength(m: Mention) -> float:
        return w.contact_kind.get(m.kind, 0.0) * ev.personal.get(m.key, 1.0)

    for side, base in (("seller", w.contact_by_seller), ("buyer", w.contact_by_buyer)):
        mine = [m for m in ev.mentions if m.sender == side]
        if not mine:
            continue
        strongest = max(mine, key=lambda m: (strength(m), -m.sent_at.timestamp()))
        kinds = sorted({m.kind for m in mine})
        factors.append(
            Factor(
                f"pair.contact_by_{side}",
                min(1.0, base * strength(strongest)),
                f"{side} shared {strongest.kind} {_value(strongest.key)} in message "
                f"{strongest.message_id}"
                + (f" ({', '.join(kinds)} in all)" if len(kinds) > 1 else ""),
                tuple(sorted({m.message_id for m in mine} | {m.key for m in mine})),
            )
        )
    by_category: dict[str, list[Cue]] = {}
    for cue in ev.cues:
        by_category.setdefault(cue.category, []).append(cue)
    for category, cues in sorted(by_category.items()):
        first = cues[0]
        factors.append(
            Factor(
                f"pair.cue.{category}",
                weights.cue_weight(category),
                f"off-platform cue '{category}' from the {first.sender} in message {first.message_id}"
                + (f" and {len(cues) - 1} more" if len(cues) > 1 else ""),
                tuple(sorted({c.message_id for c in cues})),
            )
        )
    factors += _timeline(ev, weights, as_of)
    if ev.link is not None and ev.link.weight > 0:
        factors.append(
            Factor(
                "pair.shared_identifier",
                w.shared.identifier * ev.link.weight,
                "buyer and seller hold the same " + describe_keys(ev.link.keys),
                tuple(ev.link.keys),
            )
        )
    return factors


# A buyer asking "what's your number?" is not yet an exchange: silence after it proves nothing.
WEAK_CUES = frozenset({"solicitation"})


def _exchange(ev: PairEvidence) -> tuple[datetime, str, str, tuple[str, ...]] | None:
    """The first moment the pair moved towards going outside: a contact detail, or a cue such as
    "let's settle it off the site" (a deal can leave with no number written down)."""
    events: list[tuple[datetime, str, str, tuple[str, ...]]] = []
    first = ev.first_exchange
    if first is not None:
        what = f"{first.kind} shared in message {first.message_id} by the {first.sender}"
        events.append((first.sent_at, what, first.message_id, (first.message_id, first.key)))
    for cue in ev.cues:
        if cue.category not in WEAK_CUES:
            what = f"'{cue.category}' cue in message {cue.message_id} from the {cue.sender}"
            events.append((cue.sent_at, what, cue.message_id, (cue.message_id,)))
            break  # cues are sorted by time: the first strong one is enough
    return min(events, key=lambda e: (e[0], e[2])) if events else None


def _timeline(ev: PairEvidence, weights: Weights, as_of: datetime | None) -> list[Factor]:
    t = weights.pair.timeline
    exchange = _exchange(ev)
    if exchange is None or as_of is None:
        return []
    at, what, _, evidence = exchange
    after = [o for o in ev.orders if o > at]
    before = [o for o in ev.orders if o <= at]
    # One order and then a phone number is how a sale is delivered (a courier, a viewing), not a
    # pattern: silence counts only for pairs that never ordered, or that ordered repeatedly.
    if after or not went_quiet(at, as_of, weights) or 0 < len(before) < t.repeat_min_orders:
        return []
    # The reason gives the day of the exchange, not a count of days up to the data's latest event:
    # that count would change the stored evidence of every quiet pair with each new message
    # anywhere in the marketplace, while the date stays true (and tells a notice's reader more).
    since = f"on {at:%Y-%m-%d}, no order since"
    if len(before) >= t.repeat_min_orders:
        return [
            Factor(
                "pair.repeat_business_stopped",
                t.repeat_business_stopped,
                f"{len(before)} orders on the platform, then {what} {since}",
                evidence,
            )
        ]
    return [
        Factor(
            "pair.quiet_after_contact",
            t.quiet_after_contact,
            f"{what} {since}",
            evidence,
        )
    ]


def went_quiet(at: datetime, as_of: datetime, weights: Weights) -> bool:
    """Whether ``quiet_days`` have passed since ``at`` by the data's "now" (``as_of``): the only
    way the pair's score depends on time, so an incremental run re-scores exactly the pairs whose
    exchange falls between the previous run's threshold and this one's."""
    return (as_of - at).days >= weights.pair.timeline.quiet_days


def pair_features(ev: PairEvidence, weights: Weights, as_of: datetime | None) -> dict[str, Any]:
    """What an investigator reads about a pair at a glance (stored with its flag and pair edge)."""
    by_kind: dict[str, int] = {}
    by_side: dict[str, int] = {}
    for m in ev.mentions:
        by_kind[m.kind] = by_kind.get(m.kind, 0) + 1
        by_side[m.sender] = by_side.get(m.sender, 0) + 1
    for c in ev.cues:
        by_kind[f"cue:{c.category}"] = by_kind.get(f"cue:{c.category}", 0) + 1
        by_side[c.sender] = by_side.get(c.sender, 0) + 1
    exchange = _exchange(ev)
    features: dict[str, Any] = {
        "conversations": ev.conversations,
        "messages": ev.messages,
        "orders": len(ev.orders),
        "order_value": round(ev.order_value, 2),
        "findings_by_kind": by_kind,
        "findings_by_side": by_side,
        "first_exchange_at": None,
        "orders_before_exchange": None,
        "orders_after_exchange": None,
        "days_from_exchange_to_last_activity": None,
        "went_quiet_after_contact": False,
        "repeat_business_stopped": False,
        "shared_identifiers": list(ev.link.keys) if ev.link else [],
    }
    if exchange is not None:
        at = exchange[0]
        signals = {f.signal for f in _timeline(ev, weights, as_of)}
        features.update(
            first_exchange_at=at.isoformat(),
            orders_before_exchange=sum(1 for o in ev.orders if o <= at),
            orders_after_exchange=sum(1 for o in ev.orders if o > at),
            days_from_exchange_to_last_activity=(ev.last_at - at).days if ev.last_at else None,
            went_quiet_after_contact="pair.quiet_after_contact" in signals,
            repeat_business_stopped="pair.repeat_business_stopped" in signals,
        )
    return features


def score_pair(ev: PairEvidence, weights: Weights, as_of: datetime | None) -> Score:
    return combine(pair_factors(ev, weights, as_of))
