"""Name search through the full-text index: prefix, typo, accents, rank, and never a dead end."""

from __future__ import annotations

from sidedeal.casework.search import search
from sidedeal.graph.store import Store

ACCOUNTS = [
    ("seller", "s1", "William Hartley"),
    ("buyer", "b1", "Willa Hart"),
    ("buyer", "b2", "Hélène Dubois-Martin"),
    ("seller", "s2", "Galerie Müller & Söhne"),
    ("buyer", "b3", "Hartley Antiques Ltd"),
    ("seller", "s3", "Hartley Antiques"),
    ("buyer", "b4", "Sean O'Brien"),
    ("buyer", "b5", "Hartley Antiques"),  # the flagged seller's inactive namesake
]


def _load(store: Store) -> None:
    for kind, account_id, name in ACCOUNTS:
        label = "Seller" if kind == "seller" else "Buyer"
        id_field = "seller_id" if kind == "seller" else "buyer_id"
        store.write(
            f"CREATE (a:{label}:Account {{{id_field}: $id, account_key: $key, name: $name}})",
            {"id": account_id, "key": f"{kind}:{account_id}", "name": name},
        )
    # s3 has an open flag: among equal matches an investigator wants it first.
    store.write(
        "MATCH (a:Seller {seller_id: 's3'}) "
        "CREATE (:Flag {flag_id: 'f-s3', status: 'open'})-[:CONCERNS]->(a)"
    )


def _names(store: Store, query: str) -> list[str]:
    return [a.name or "" for a in search(store, query, kind="name").accounts]


def test_names_are_found_by_word_start_typo_and_without_accents(store: Store) -> None:
    _load(store)
    assert "William Hartley" in _names(store, "hartl")
    assert "William Hartley" in _names(store, "Hartly")  # one letter missing
    assert _names(store, "helene")[:1] == ["Hélène Dubois-Martin"]
    assert _names(store, "martin") == ["Hélène Dubois-Martin"]
    assert _names(store, "muller")[:1] == ["Galerie Müller & Söhne"]
    assert _names(store, "o'brien") == ["Sean O'Brien"]
    # Every word must match: "william hart" is not Willa Hart.
    assert _names(store, "william hart") == ["William Hartley"]


def test_the_exact_word_ranks_first_and_a_flagged_account_before_its_namesake(
    store: Store,
) -> None:
    _load(store)
    found = search(store, "hartley antiques", kind="name").accounts
    assert [(a.kind, a.id) for a in found[:3]] == [
        ("seller", "s3"),
        ("buyer", "b5"),
        ("buyer", "b3"),
    ]
    assert found[0].open_flags == 1
    assert _names(store, "hart")[0] == "Willa Hart"  # the whole word, before "Hartley"


def test_query_syntax_is_text_and_a_fragment_inside_a_word_still_answers(store: Store) -> None:
    _load(store)
    for hostile in ('"', "*", "hart~", "a) OR (b", "name:*", "\\", "[a TO z]", "&&"):
        search(store, hostile, kind="name")  # no Lucene syntax error reaches the caller
    assert _names(store, "artle") == [
        "Hartley Antiques",
        "Hartley Antiques",
        "Hartley Antiques Ltd",
        "William Hartley",
    ]
    assert _names(store, "zzzz-nobody") == []
