"""Seller and cluster scores, built from pair scores and shared-identifier links (pure logic)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sidedeal.graph.analysis.config import Weights
from sidedeal.graph.analysis.links import Link
from sidedeal.graph.analysis.scoring import Factor, Score, combine

PAYOUT_KINDS = ("iban", "payout")
TOP = 5


def _describe(keys: Iterable[str]) -> str:
    return ", ".join(f"{k.split(':', 1)[0]} {k.split(':', 1)[1]}" for k in list(keys)[:3])


def seller_factors(
    seller: str,
    pair_scores: Mapping[str, Score],
    links: Iterable[Link],
    weights: Weights,
) -> list[Factor]:
    """Factors of one seller (``seller:s1``): its flagged pairs (by buyer account), and the links
    it has to other sellers (several accounts, a shared payout) and to buyers."""
    w = weights.seller
    factors: list[Factor] = []
    ranked = sorted(pair_scores.items(), key=lambda item: (-item[1].value, item[0]))
    for buyer, score in ranked[:TOP]:
        top = score.contributions[0].factor.reason if score.contributions else ""
        factors.append(
            Factor(
                "seller.flagged_pair",
                w.pair_share * score.value,
                f"pair with {buyer} scored {score.value:.2f} ({top})",
                (buyer, *sorted(score.evidence)),
            )
        )
    for link in links:
        other = link.b if link.a == seller else link.a
        payout = [k for k in link.keys if k.split(":", 1)[0] in PAYOUT_KINDS]
        if other.startswith("seller:"):
            if payout:
                factors.append(
                    Factor(
                        "seller.shared_payout",
                        w.shared_payout * link.weight,
                        f"payout account shared with {other}: {_describe(payout)}",
                        (other, *payout),
                    )
                )
            factors.append(
                Factor(
                    "seller.other_account",
                    w.other_seller_account * link.weight,
                    f"another seller account {other} holds the same {_describe(link.keys)}",
                    (other, *link.keys),
                )
            )
        else:
            factors.append(
                Factor(
                    "seller.buyer_holds_identifier",
                    w.buyer_holds_identifier * link.weight,
                    f"buyer {other} holds the seller's {_describe(link.keys)}",
                    (other, *link.keys),
                )
            )
    return factors


def score_seller(
    seller: str, pair_scores: Mapping[str, Score], links: Iterable[Link], weights: Weights
) -> Score:
    return combine(seller_factors(seller, pair_scores, links, weights))


def cluster_factors(
    members: frozenset[str], member_scores: Mapping[str, float], weights: Weights
) -> list[Factor]:
    """Factors of a cluster: its most suspicious members, and its shape."""
    w = weights.cluster
    factors: list[Factor] = []
    scored = sorted(
        ((member_scores.get(m, 0.0), m) for m in members if member_scores.get(m, 0.0) > 0),
        reverse=True,
    )
    for value, member in scored[:TOP]:
        factors.append(
            Factor(
                "cluster.member",
                w.member_share * value,
                f"member {member} scored {value:.2f}",
                (member,),
            )
        )
    sellers = sorted(m for m in members if m.startswith("seller:"))
    if len(sellers) >= 2:
        factors.append(
            Factor(
                "cluster.several_sellers",
                w.several_sellers,
                f"{len(sellers)} seller accounts linked: {', '.join(sellers[:5])}",
                tuple(sellers),
            )
        )
    if len(members) >= w.large_size:
        factors.append(
            Factor("cluster.large", w.large, f"{len(members)} accounts linked together", ())
        )
    return factors


def score_cluster(
    members: frozenset[str], member_scores: Mapping[str, float], weights: Weights
) -> Score:
    return combine(cluster_factors(members, member_scores, weights))
