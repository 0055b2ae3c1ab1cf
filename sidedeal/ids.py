"""Keys of accounts and flags: how they are written and read back, in one place.

An account is keyed ``seller:s1`` or ``buyer:b7`` (the ``account_key`` property of the ``:Account``
label: one index seek finds a message's sender or a link's end). A flag is keyed by what it is
about: ``pair:<buyer_id>:<seller_id>``, ``seller:<seller_id>``, ``cluster:<cluster_id>``. The same
keys are built inside Cypher where a statement needs them (``'seller:' + s.seller_id`` in
``ingest/queries.py``, ``graph/schema.py`` and ``analysis/links.py``); ``tests/unit/test_ids.py``
holds the two spellings together.

Ids come from the marketplace's exports and may hold any character but control characters
(ingest refuses those), so a pair flag id is read back by its known buyer and seller where they
are at hand; :func:`parse_flag_id` splits at the first colon after ``pair:``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AccountKind = Literal["buyer", "seller"]
FlagKind = Literal["pair", "seller", "cluster"]
ACCOUNT_KINDS: tuple[AccountKind, ...] = ("buyer", "seller")


def account_key(kind: AccountKind, account_id: str) -> str:
    """``seller:s1``: an account's key."""
    return f"{kind}:{account_id}"


def seller_key(seller_id: str) -> str:
    return f"seller:{seller_id}"


def buyer_key(buyer_id: str) -> str:
    return f"buyer:{buyer_id}"


def is_seller(key: str) -> bool:
    return key.startswith("seller:")


def is_buyer(key: str) -> bool:
    return key.startswith("buyer:")


def parse_account(key: str) -> tuple[AccountKind, str]:
    """``seller:s1`` -> ``("seller", "s1")``; ``ValueError`` for anything else."""
    if key.startswith("seller:"):
        return "seller", key[7:]
    if key.startswith("buyer:"):
        return "buyer", key[6:]
    raise ValueError(f"{key!r} is not an account key (seller:<id> or buyer:<id>)")


def account_id(key: str) -> str:
    """The id in an account key: ``seller:s1`` -> ``s1``."""
    return parse_account(key)[1]


def pair_flag_id(buyer_id: str, seller_id: str) -> str:
    return f"pair:{buyer_id}:{seller_id}"


def seller_flag_id(seller_id: str) -> str:
    return f"seller:{seller_id}"


def cluster_flag_id(cluster_id: str) -> str:
    return f"cluster:{cluster_id}"


@dataclass(frozen=True)
class FlagRef:
    """What a flag id names: its kind and the ids in it."""

    kind: FlagKind
    buyer_id: str | None = None
    seller_id: str | None = None
    cluster_id: str | None = None


def parse_flag_id(flag_id: str) -> FlagRef:
    """``pair:b1:s1`` -> ``FlagRef("pair", "b1", "s1")``; ``ValueError`` naming the shapes."""
    kind, sep, rest = flag_id.partition(":")
    if sep and rest:
        if kind == "pair":
            buyer, sep2, seller = rest.partition(":")
            if sep2 and buyer and seller:
                return FlagRef("pair", buyer_id=buyer, seller_id=seller)
        elif kind == "seller":
            return FlagRef("seller", seller_id=rest)
        elif kind == "cluster":
            return FlagRef("cluster", cluster_id=rest)
    raise ValueError(
        f"{flag_id!r} is not a flag id (pair:<buyer>:<seller>, seller:<id>, cluster:<id>)"
    )


def split_identifier_key(key: str) -> tuple[str, str]:
    """``phone:+447911123456`` -> ``("phone", "+447911123456")`` (an identifier's kind and value)."""
    kind, _, value = key.partition(":")
    return kind, value
