"""Measure the analysis against a generated marketplace's ``labels.json``.

Positives at pair level are the planted pairs: ``off_platform_pairs`` plus
``buyers_with_seller_identifier`` (a buyer carrying a seller's own phone or email is a planted
shared-identifier scheme, and the analysis is meant to flag it). Seller-level positives are
``fraud_sellers``. The naive baseline flags every pair with any regex phone or email in its
messages, the rule a trust team starts with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, LiteralString

from sidedeal.graph.store import Store

Pair = tuple[str, str]

NAIVE_PHONE = re.compile(r"\+?\d[\d\s().\-]{6,}\d")
NAIVE_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+")


@dataclass(frozen=True)
class Metrics:
    precision: float
    recall: float
    flagged: int
    positives: int
    true_positives: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def metrics(predicted: Iterable[Any], positives: Iterable[Any]) -> Metrics:
    flagged, truth = set(predicted), set(positives)
    hits = len(flagged & truth)
    return Metrics(
        precision=hits / len(flagged) if flagged else 1.0,
        recall=hits / len(truth) if truth else 1.0,
        flagged=len(flagged),
        positives=len(truth),
        true_positives=hits,
    )


def average_precision(scores: Mapping[Any, float], positives: Iterable[Any]) -> float:
    """AP of the ranking by score; positives never scored count as missed (recall they lose)."""
    truth = set(positives)
    if not truth:
        return 1.0
    ranked = sorted(scores.items(), key=lambda item: (-item[1], str(item[0])))
    hits, total = 0, 0.0
    for rank, (item, _) in enumerate(ranked, start=1):
        if item in truth:
            hits += 1
            total += hits / rank
    return total / len(truth)


def planted_pairs(labels: Mapping[str, Any]) -> set[Pair]:
    pairs = {(p["buyer_id"], p["seller_id"]) for p in labels["off_platform_pairs"]}
    pairs |= {(p["buyer_id"], p["seller_id"]) for p in labels["buyers_with_seller_identifier"]}
    return pairs


def decoy_pairs(labels: Mapping[str, Any]) -> dict[str, set[Pair]]:
    decoys = labels["decoys"]
    return {
        name: {(p["buyer_id"], p["seller_id"]) for p in decoys[name]}
        for name in (
            "loyal_pairs",
            "tire_kicker_pairs",
            "declined_pairs",
            "contact_then_order_pairs",
        )
    }


def naive_pairs(messages: Iterable[tuple[Pair, str]]) -> set[Pair]:
    """Pairs the naive rule flags: any phone-like digit run or plain email in any message."""
    return {pair for pair, body in messages if NAIVE_PHONE.search(body) or NAIVE_EMAIL.search(body)}


# A weights change that went live unseen (text edits of analysis/weights.toml): the tuning test
# and bench/tune.py activate it, then show `sidedeal tune` recovers from it.
DEGRADED = {
    "contact_by_buyer = 0.25": "contact_by_buyer = 0.6",
    "solicitation = 0.2": "solicitation = 0.6",
    "quiet_after_contact = 0.45": "quiet_after_contact = 0.55",
}

FLAG_SELLERS: LiteralString = (
    "MATCH (f:Flag) WHERE f.kind IN ['seller', 'cluster'] "
    "OPTIONAL MATCH (:Cluster {cluster_id: f.cluster_id})<-[:MEMBER_OF]-(m:Seller) "
    "WITH f, collect(m.seller_id) AS members "
    "RETURN f.flag_id AS id, coalesce(f.seller_ids, []) + members AS sellers"
)


def true_flags(store: Store, labels: Mapping[str, Any]) -> set[str]:
    """The flags the labels say are right (an investigator who knows the truth): planted pairs;
    sellers the generator made fraudulent (off-platform, several accounts, a shared payout, a
    buyer holding their identifier); clusters holding such a seller."""
    pairs = {f"pair:{p['buyer_id']}:{p['seller_id']}" for p in labels["off_platform_pairs"]}
    sellers = set(labels["fraud_sellers"])
    sellers |= {s for group in labels["multi_account_sellers"] for s in group["seller_ids"]}
    sellers |= {s for group in labels["shared_payout_groups"] for s in group["seller_ids"]}
    sellers |= {b["seller_id"] for b in labels["buyers_with_seller_identifier"]}
    rows = store.read(FLAG_SELLERS)
    return pairs | {r["id"] for r in rows if sellers & set(r["sellers"] or [])}
