"""Seller scores: a seller's flagged pairs and the links its account has to others (pure logic).

Each factor has a function of its own (see weights.toml ``[seller]``):
- ``seller.flagged_pair``: the seller's worst flagged pairs, by buyer;
- ``seller.other_account``: another seller account holding the same identifiers (one person,
  several accounts);
- ``seller.shared_payout``: a payout account shared with another seller (one purse);
- ``seller.buyer_holds_identifier``: a buyer holding the seller's own phone or email.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from sidedeal.analysis.config import Weights
from sidedeal.analysis.links import Link
from sidedeal.analysis.scoring import Factor, Score, combine, describe_keys
from sidedeal.identifiers import names
from sidedeal.ids import account_id, is_buyer, is_seller, split_identifier_key

# Kinds that are a place money goes (the registry's): two sellers sharing one are one purse.
PAYOUT_KINDS = frozenset(names(payout=True))
TOP = 5


def other_end(link: Link, me: str) -> str:
    return link.b if link.a == me else link.a


class SellerLinks:
    """A seller's links, sorted for its factors, with identifiers weighed *between sellers*.

    Between sellers, an identifier's weight is further scaled by sqrt(2 / sellers holding it): one
    operator typically runs two or three accounts, while a courier's phone or a packing firm's
    email is listed by many sellers (``seller_holders``: identifier key -> seller accounts).
    """

    def __init__(self, seller: str, links: Iterable[Link], seller_holders: Mapping[str, int]):
        self.seller = seller
        self.holders = seller_holders
        mine = list(links)
        # Ties go to the other account's key: the order links arrive in must not pick the
        # account a reason names (an incremental run reads them from the graph, in its order).
        self.to_sellers = sorted(
            (k for k in mine if is_seller(other_end(k, seller))),
            key=lambda k: (-self.strength(k), other_end(k, seller)),
        )
        self.to_buyers = sorted(
            (k for k in mine if is_buyer(other_end(k, seller))),
            key=lambda k: (-k.weight, other_end(k, seller)),
        )

    def between_sellers(self, link: Link) -> list[tuple[float, str]]:
        return [
            (weight * math.sqrt(2 / max(2, self.holders.get(key, 2))), key)
            for key, weight in zip(link.keys, link.weights, strict=True)
        ]

    def strength(self, link: Link) -> float:
        remaining = 1.0
        for weight, _ in self.between_sellers(link):
            remaining *= 1 - weight
        return 1 - remaining


def flagged_pairs(pair_scores: Mapping[str, Score], weights: Weights) -> list[Factor]:
    """One factor per flagged pair, worst first, at most ``TOP``."""
    ranked = sorted(pair_scores.items(), key=lambda item: (-item[1].value, item[0]))
    factors = []
    for buyer, score in ranked[:TOP]:
        main = score.contributions[0].factor.reason if score.contributions else ""
        factors.append(
            Factor(
                "seller.flagged_pair",
                weights.seller.pair_share * score.value,
                f"pair with {buyer} scored {score.value:.2f} ({main})",
                (buyer, *sorted(score.evidence)),
            )
        )
    return factors


def other_account(links: SellerLinks, weights: Weights) -> list[Factor]:
    """The strongest link to another seller account. A multi-account operator shares several
    identifiers with the same other account (a strong link); a courier's phone and a packing
    firm's email are each shared with different sellers, and must not add up."""
    if not links.to_sellers:
        return []
    top = links.to_sellers[0]
    others = [other_end(k, links.seller) for k in links.to_sellers]
    more = f" ({len(others) - 1} more seller accounts linked)" if len(others) > 1 else ""
    return [
        Factor(
            "seller.other_account",
            weights.seller.other_seller_account * links.strength(top),
            f"seller account {account_id(other_end(top, links.seller))} holds the same "
            f"{describe_keys(top.keys)}{more}",
            (*others, *top.keys),
        )
    ]


def shared_payout(links: SellerLinks, weights: Weights) -> list[Factor]:
    """The heaviest payout account (IBAN or payout) shared with another seller."""
    payouts = [
        (weight, key, other_end(link, links.seller))
        for link in links.to_sellers
        for weight, key in links.between_sellers(link)
        if split_identifier_key(key)[0] in PAYOUT_KINDS
    ]
    if not payouts:
        return []
    weight, key, other = max(payouts)
    return [
        Factor(
            "seller.shared_payout",
            weights.seller.shared_payout * weight,
            f"payout account {describe_keys([key])} shared with seller {account_id(other)}",
            (key, other),
        )
    ]


def buyer_holds_identifier(links: SellerLinks, weights: Weights) -> list[Factor]:
    """The strongest link to a buyer: the buyer holds one of the seller's identifiers."""
    if not links.to_buyers:
        return []
    top = links.to_buyers[0]
    buyer = other_end(top, links.seller)
    return [
        Factor(
            "seller.buyer_holds_identifier",
            weights.seller.buyer_holds_identifier * top.weight,
            f"buyer {account_id(buyer)} holds the seller's {describe_keys(top.keys)}",
            (buyer, *top.keys),
        )
    ]


def seller_factors(
    seller: str,
    pair_scores: Mapping[str, Score],
    links: Iterable[Link],
    weights: Weights,
    seller_holders: Mapping[str, int] | None = None,
) -> list[Factor]:
    """Factors of one seller (``seller:s1``): its flagged pairs (``pair_scores`` by buyer
    account), and the links it has to other sellers and to buyers."""
    linked = SellerLinks(seller, links, seller_holders or {})
    return [
        *flagged_pairs(pair_scores, weights),
        *other_account(linked, weights),
        *shared_payout(linked, weights),
        *buyer_holds_identifier(linked, weights),
    ]


def score_seller(
    seller: str,
    pair_scores: Mapping[str, Score],
    links: Iterable[Link],
    weights: Weights,
    seller_holders: Mapping[str, int] | None = None,
) -> Score:
    return combine(seller_factors(seller, pair_scores, links, weights, seller_holders))
