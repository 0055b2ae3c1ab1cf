"""Keys of accounts and flags, written and read back in one module."""

from __future__ import annotations

import pytest

from sidedeal import ids
from sidedeal.analysis import links
from sidedeal.graph import schema
from sidedeal.ingest import queries


def test_account_keys_round_trip() -> None:
    assert ids.seller_key("s1") == ids.account_key("seller", "s1") == "seller:s1"
    assert ids.buyer_key("b:7") == "buyer:b:7"
    assert ids.parse_account("buyer:b:7") == ("buyer", "b:7")
    assert ids.account_id("seller:s1") == "s1"
    assert ids.is_seller("seller:s1") and not ids.is_buyer("seller:s1")
    with pytest.raises(ValueError, match="not an account key"):
        ids.parse_account("cluster:c1")


def test_flag_ids_round_trip() -> None:
    assert ids.parse_flag_id(ids.pair_flag_id("b1", "s1")) == ids.FlagRef("pair", "b1", "s1")
    assert ids.parse_flag_id(ids.seller_flag_id("s1")) == ids.FlagRef("seller", seller_id="s1")
    assert ids.parse_flag_id(ids.cluster_flag_id("cl-1")).cluster_id == "cl-1"
    for bad in ("pair:b1", "pair::s1", "nope:x", "seller:", ""):
        with pytest.raises(ValueError, match="not a flag id"):
            ids.parse_flag_id(bad)


def test_cypher_builds_the_same_account_keys() -> None:
    """Statements that build keys in Cypher spell them as this module does."""
    seller_prefix = ids.seller_key("")
    buyer_prefix = ids.buyer_key("")
    assert f"'{seller_prefix}' + row.seller_id" in queries.MERGE_SELLERS
    assert f"'{buyer_prefix}' + row.buyer_id" in queries.MERGE_BUYERS
    assert f"'{seller_prefix}' + a.seller_id" in links.IDENTIFIER_PAGE
    assert f"'{buyer_prefix}' + a.buyer_id" in links.IDENTIFIER_PAGE
    statements = " ".join(s for m in schema.MIGRATIONS for s in m.statements)
    assert f"'{seller_prefix}' + s.seller_id" in statements
