"""Ingest against a real Neo4j: the graph model, identifiers, findings, pairs, and idempotence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from neo4j.time import DateTime

from sidedeal.graph.store import Store
from sidedeal.ingest.loaders import default_scanner
from sidedeal.ingest.pipeline import IngestSummary, ingest
from tests.helpers import fingerprint, write_contract
from tests.integration.market import small_market


def run(store: Store, directory: Path, tmp_path: Path, batch_size: int = 2) -> IngestSummary:
    return ingest(
        store,
        directory,
        batch_size=batch_size,
        rejects_dir=tmp_path / "rejects",
        scanner=default_scanner(["sidedeal-market.com"]),
    )


def test_small_market_builds_the_graph_model(store: Store, tmp_path: Path) -> None:
    summary = run(store, write_contract(tmp_path / "in", small_market()), tmp_path)
    assert summary.rejected == 0, summary.rejects_path
    assert {f.entity: f.loaded for f in summary.files} == {
        "sellers": 3,
        "buyers": 3,
        "listings": 2,
        "conversations": 3,
        "messages": 5,
        "orders": 2,
        "contacts": 4,
    }
    graph = fingerprint(store)
    assert graph["labels"]["Seller"] == 3
    assert graph["labels"]["Message"] == 5
    assert graph["rels"]["PARTICIPATES_IN"] == 6
    assert graph["rels"]["SENT_BY"] == 5
    assert graph["rels"]["IN"] == 5
    assert graph["rels"]["PLACED"] == 2 and graph["rels"]["SOLD_BY"] == 2
    assert graph["rels"]["LISTS"] == 2
    # o2 and c3 name no listing; o1 and c1/c2 do.
    assert graph["rels"]["FOR"] == 1 and graph["rels"]["ABOUT"] == 2

    seller = store.read("MATCH (s:Seller {seller_id: 's3'}) RETURN s")[0]["s"]
    assert seller["status"] == "active" and seller["strikes"] == 0
    assert seller["created_at"].isoformat().startswith("2024-03-01T08:30:00")  # stored in UTC
    # Every timestamp is stored as a temporal in UTC (they travel as text; see ingest/queries.py).
    times = store.read(
        "MATCH (n) UNWIND [k IN ['created_at', 'started_at', 'sent_at', 'placed_at'] "
        "WHERE n[k] IS NOT NULL | [labels(n)[0] + '.' + k, n[k]]] AS pair "
        "RETURN pair[0] AS field, pair[1] AS at "
        "UNION ALL MATCH ()-[r:HAS_IDENTIFIER]->() WHERE r.observed_at IS NOT NULL "
        "RETURN 'HAS_IDENTIFIER.observed_at' AS field, r.observed_at AS at"
    )
    fields = {row["field"] for row in times}
    assert {"Seller.created_at", "Conversation.started_at", "Message.sent_at"} <= fields
    assert {"Order.placed_at", "HAS_IDENTIFIER.observed_at"} <= fields
    for row in times:
        assert isinstance(row["at"], DateTime), row
        assert row["at"].utcoffset().total_seconds() == 0, row


def test_a_later_load_without_an_optional_time_keeps_the_stored_one(
    store: Store, tmp_path: Path
) -> None:
    market = small_market()
    run(store, write_contract(tmp_path / "first", market), tmp_path)
    before = store.read("MATCH (s:Seller {seller_id: 's3'}) RETURN s.created_at AS at")[0]["at"]
    assert isinstance(before, DateTime)
    sellers = [{**row, "created_at": ""} for row in market["sellers"]]
    run(store, write_contract(tmp_path / "again", {"sellers": sellers}), tmp_path)
    after = store.read("MATCH (s:Seller {seller_id: 's3'}) RETURN s.created_at AS at")[0]["at"]
    assert after == before


def test_profile_and_contact_identifiers_meet(store: Store, tmp_path: Path) -> None:
    run(store, write_contract(tmp_path / "in", small_market()), tmp_path)
    holders = {
        row["key"]: sorted(row["holders"])
        for row in store.read(
            "MATCH (a)-[:HAS_IDENTIFIER]->(i:Identifier) "
            "RETURN i.key AS key, collect(DISTINCT coalesce(a.seller_id, a.buyer_id)) AS holders"
        )
    }
    # The seller's national-format phone and the buyer's international one are one identifier.
    assert holders["phone:+447911123456"] == ["b2", "s2"]
    # gmail dots and +tags do not hide an address.
    assert holders["email:jhartley@gmail.com"] == ["b2", "s2"]
    # Two spellings of one IBAN, on two sellers: a shared payout account.
    assert holders["iban:GB82WEST12345698765432"] == ["s1", "s3"]
    assert holders["domain:durand-antiques.fr"] == ["s1"]
    assert holders["ip:203.0.113.7"] == ["b3"]
    # A fictional number does not validate but is kept, flagged, never dropped.
    fake = store.read(
        "MATCH (i:Identifier {kind: 'phone'}) WHERE i.valid = false RETURN i.value AS v"
    )
    assert [row["v"] for row in fake] == ["+15556768"]


def test_messages_are_scanned_into_mentions_cues_and_pair_counts(
    store: Store, tmp_path: Path
) -> None:
    run(store, write_contract(tmp_path / "in", small_market()), tmp_path)
    mentions = store.read(
        "MATCH (m:Message)-[r:MENTIONS]->(i:Identifier) "
        "RETURN m.message_id AS message, i.key AS key, r.start AS start, r.end AS end, m.body AS body "
        "ORDER BY message, start"
    )
    keys = [(row["message"], row["key"]) for row in mentions]
    assert ("m3", "phone:+447911234567") in keys
    assert ("m4", "email:tom.baker@outlook.com") in keys
    # The dimensions and the circa dates of m1/m2 are not contact details.
    assert not [k for k in keys if k[0] in ("m1", "m2")]
    for row in mentions:  # spans point into the original text, for highlighting
        assert row["body"][row["start"] : row["end"]].strip()
    m3 = store.read("MATCH (m:Message {message_id: 'm3'}) RETURN m")[0]["m"]
    assert m3["cue_count"] >= 1 and m3["cues"]
    spans = json.loads(m3["findings"])
    assert {s["kind"] for s in spans} >= {"phone", "cue"}
    # The seller who typed the phone now holds it, through the message.
    sources = store.read(
        "MATCH (s:Seller {seller_id: 's2'})-[h:HAS_IDENTIFIER]->(:Identifier {key: 'phone:+447911234567'}) "
        "RETURN h.source AS source"
    )
    assert [r["source"] for r in sources] == ["message"]
    pair = store.read(
        "MATCH (:Buyer {buyer_id: 'b2'})-[d:DEALT_WITH]->(:Seller {seller_id: 's2'}) RETURN properties(d) AS d"
    )[0]["d"]
    assert pair["conversations"] == 1 and pair["messages"] == 2 and pair["orders"] == 0
    assert (
        pair["contact_findings"] >= 2
        and pair["seller_findings"] >= 2
        and pair["buyer_findings"] >= 1
    )


def test_pair_edge_sums_conversations_messages_and_orders(store: Store, tmp_path: Path) -> None:
    run(store, write_contract(tmp_path / "in", small_market()), tmp_path)
    pair = store.read(
        "MATCH (:Buyer {buyer_id: 'b1'})-[d:DEALT_WITH]->(:Seller {seller_id: 's1'}) RETURN properties(d) AS d"
    )[0]["d"]
    assert (pair["conversations"], pair["messages"], pair["orders"]) == (1, 2, 2)
    assert pair["order_value"] == pytest.approx(13300.0)
    assert pair["first_at"].isoformat().startswith("2024-02-01T10:00:00")
    assert pair["last_at"].isoformat().startswith("2024-03-02T09:00:00")
    assert store.count("MATCH ()-[d:DEALT_WITH]->() RETURN count(d) AS n") == 3


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_every_format_gives_the_same_graph(store: Store, tmp_path: Path, fmt: str) -> None:
    run(store, write_contract(tmp_path / "csv", small_market(), "csv"), tmp_path)
    expected = fingerprint(store)
    from sidedeal.graph import schema

    schema.reset(store)
    summary = run(store, write_contract(tmp_path / fmt, small_market(), fmt), tmp_path)
    assert summary.rejected == 0
    assert fingerprint(store) == expected


def test_ingesting_twice_changes_no_count(store: Store, tmp_path: Path) -> None:
    directory = write_contract(tmp_path / "in", small_market())
    run(store, directory, tmp_path)
    first = fingerprint(store)
    second_summary = run(store, directory, tmp_path)
    assert second_summary.rejected == 0
    assert fingerprint(store) == first


def test_a_message_repeated_in_one_file_is_stored_once(store: Store, tmp_path: Path) -> None:
    """An export that repeats message rows (a re-sent page, a retried extract) adds no duplicate.

    With batches of two and writers in flight, a repeat lands in the same batch as its first copy
    and in a later batch written before or after it: the create fast path must fall back to MERGE.
    """
    market = small_market()
    run(store, write_contract(tmp_path / "clean", market), tmp_path)
    clean = fingerprint(store)
    from sidedeal.graph import schema

    schema.reset(store)
    messages = market["messages"]
    market["messages"] = [messages[0], *messages, messages[1], messages[0], messages[-1]]
    summary = run(store, write_contract(tmp_path / "repeated", market), tmp_path)
    assert summary.rejected == 0
    assert fingerprint(store) == clean


def test_an_interrupted_run_started_again_matches_a_clean_run(store: Store, tmp_path: Path) -> None:
    directory = write_contract(tmp_path / "in", small_market())
    run(store, directory, tmp_path)
    clean = fingerprint(store)
    from sidedeal.graph import schema

    schema.reset(store)
    seen = 0

    def dies_on_the_fourth_message(text: str, country: str | None) -> list[Any]:
        nonlocal seen
        seen += 1
        if seen == 4:
            raise KeyboardInterrupt("operator pressed Ctrl-C")
        return default_scanner([])(text, country)

    with pytest.raises(KeyboardInterrupt):
        ingest(
            store,
            directory,
            batch_size=2,
            rejects_dir=tmp_path / "r",
            scanner=dies_on_the_fourth_message,
        )
    assert fingerprint(store) != clean  # it really stopped half-way
    status = store.read("MATCH (r:IngestRun) RETURN r.status AS status")
    assert [row["status"] for row in status] == ["failed"]
    run(store, directory, tmp_path)
    assert fingerprint(store) == clean


def test_a_daily_load_of_only_messages_and_orders(store: Store, tmp_path: Path) -> None:
    run(store, write_contract(tmp_path / "base", small_market()), tmp_path)
    daily = {
        "messages": [
            {
                "message_id": "m6",
                "conversation_id": "c3",
                "sender": "seller",
                "sent_at": "2024-04-01T10:00:00Z",
                "body": "It is. Add me on WhatsApp: +44 7400 123456",
            },
        ],
        "orders": [
            {
                "order_id": "o3",
                "buyer_id": "b3",
                "seller_id": "s2",
                "listing_id": "l2",
                "amount": "14200",
                "currency": "GBP",
                "placed_at": "2024-04-02T10:00:00Z",
                "status": "completed",
            },
        ],
    }
    summary = run(store, write_contract(tmp_path / "daily", daily, "jsonl"), tmp_path)
    assert [(f.entity, f.loaded, f.rejected) for f in summary.files] == [
        ("messages", 1, 0),
        ("orders", 1, 0),
    ]
    pair = store.read(
        "MATCH (:Buyer {buyer_id: 'b3'})-[d:DEALT_WITH]->(:Seller {seller_id: 's2'}) RETURN properties(d) AS d"
    )[0]["d"]
    assert (pair["messages"], pair["orders"]) == (2, 1)
    assert pair["contact_findings"] >= 1
    assert pair["last_at"].isoformat().startswith("2024-04-02T10:00:00")


def test_a_listing_that_arrives_after_its_orders_links_them(store: Store, tmp_path: Path) -> None:
    market = small_market()
    market["orders"][1]["listing_id"] = "l9"
    late = {"listings": [{"listing_id": "l9", "seller_id": "s1", "title": "Pair of Sèvres vases"}]}
    market.pop("listings")
    run(store, write_contract(tmp_path / "first", market), tmp_path)
    assert store.count("MATCH (:Order)-[r:FOR]->() RETURN count(r) AS n") == 0
    run(store, write_contract(tmp_path / "late", late), tmp_path)
    linked = store.read(
        "MATCH (o:Order)-[:FOR]->(l:Listing) RETURN o.order_id AS o, l.listing_id AS l"
    )
    assert linked == [{"o": "o2", "l": "l9"}]
