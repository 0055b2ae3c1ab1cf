"""Seller and cluster scores, built from pair scores and shared-identifier links (pure logic)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from sidedeal.analysis.config import Weights
from sidedeal.analysis.links import Link
from sidedeal.analysis.scoring import Factor, Score, combine
from sidedeal.identifiers import names

# Kinds that are a place money goes (the registry's): two sellers sharing one are one purse.
PAYOUT_KINDS = frozenset(names(payout=True))
TOP = 5


def _describe(keys: Iterable[str]) -> str:
    return ", ".join(f"{k.split(':', 1)[0]} {k.split(':', 1)[1]}" for k in list(keys)[:3])


def _other(link: Link, me: str) -> str:
    return link.b if link.a == me else link.a


def seller_factors(
    seller: str,
    pair_scores: Mapping[str, Score],
    links: Iterable[Link],
    weights: Weights,
    seller_holders: Mapping[str, int] | None = None,
) -> list[Factor]:
    """Factors of one seller (``seller:s1``): its flagged pairs (by buyer account), and the links
    it has to other sellers (several accounts, a shared payout) and to buyers.

    Between sellers, an identifier's weight is further scaled by sqrt(2 / sellers holding it): one
    operator typically runs two or three accounts, while a courier's phone or a packing firm's
    email is listed by many sellers (``seller_holders``: identifier key -> seller accounts).
    """
    w = weights.seller
    holders = seller_holders or {}

    def between_sellers(link: Link) -> list[tuple[float, str]]:
        return [
            (weight * math.sqrt(2 / max(2, holders.get(key, 2))), key)
            for key, weight in zip(link.keys, link.weights, strict=True)
        ]

    def strength(link: Link) -> float:
        remaining = 1.0
        for weight, _ in between_sellers(link):
            remaining *= 1 - weight
        return 1 - remaining

    factors: list[Factor] = []
    ranked = sorted(pair_scores.items(), key=lambda item: (-item[1].value, item[0]))
    for buyer, score in ranked[:TOP]:
        main = score.contributions[0].factor.reason if score.contributions else ""
        factors.append(
            Factor(
                "seller.flagged_pair",
                w.pair_share * score.value,
                f"pair with {buyer} scored {score.value:.2f} ({main})",
                (buyer, *sorted(score.evidence)),
            )
        )
    # One factor per kind of link, from the strongest link of that kind. A multi-account operator
    # shares several identifiers with the same other account (a strong link); a courier's phone
    # and a packing firm's email are each shared with different sellers, and must not add up.
    seller_links = sorted(
        (k for k in links if _other(k, seller).startswith("seller:")), key=lambda k: -strength(k)
    )
    buyer_links = sorted(
        (k for k in links if _other(k, seller).startswith("buyer:")), key=lambda k: -k.weight
    )
    if seller_links:
        top = seller_links[0]
        others = [_other(k, seller) for k in seller_links]
        factors.append(
            Factor(
                "seller.other_account",
                w.other_seller_account * strength(top),
                f"seller account {_other(top, seller).split(':', 1)[1]} holds the same "
                f"{_describe(top.keys)}"
                + (f" ({len(others) - 1} more seller accounts linked)" if len(others) > 1 else ""),
                (*others, *top.keys),
            )
        )
    payouts = [
        (weight, key, _other(link, seller))
        for link in seller_links
        for weight, key in between_sellers(link)
        if key.split(":", 1)[0] in PAYOUT_KINDS
    ]
    if payouts:
        weight, key, other = max(payouts)
        factors.append(
            Factor(
                "seller.shared_payout",
                w.shared_payout * weight,
                f"payout account {_describe([key])} shared with seller {other.split(':', 1)[1]}",
                (key, other),
            )
        )
    if buyer_links:
        top = buyer_links[0]
        factors.append(
            Factor(
                "seller.buyer_holds_identifier",
                w.buyer_holds_identifier * top.weight,
                f"buyer {_other(top, seller).split(':', 1)[1]} holds the seller's "
                f"{_describe(top.keys)}",
                (_other(top, seller), *top.keys),
            )
        )
    return factors


def score_seller(
    seller: str,
    pair_scores: Mapping[str, Score],
    links: Iterable[Link],
    weights: Weights,
    seller_holders: Mapping[str, int] | None = None,
) -> Score:
    return combine(seller_factors(seller, pair_scores, links, weights, seller_holders))


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
