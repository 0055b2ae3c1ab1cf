"""POST /events against the real app and Neo4j: the same checks and graph as a batch ingest, an
answer per event, idempotent by the row's id, and nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j.exceptions import Neo4jError

from sidedeal.api.app import create_app
from sidedeal.casework.keys import create_key
from sidedeal.casework.webhooks import create
from sidedeal.graph.store import Store
from sidedeal.ingest.events import apply_events
from sidedeal.ingest.loaders import default_scanner
from sidedeal.settings import Settings
from tests.helpers import fingerprint, load_market
from tests.integration.api.conftest import SETUP
from tests.integration.market import small_market

TYPES = {
    "sellers": "seller",
    "buyers": "buyer",
    "listings": "listing",
    "conversations": "conversation",
    "messages": "message",
    "orders": "order",
    "contacts": "contact",
}


def market_graph(store: Store) -> dict[str, Any]:
    """The graph's fingerprint as ingest leaves it: without what only the API writes (keys,
    audit, receipts) and what the re-score after an event writes (flags, runs, links, and the
    seed weights version it reads its weights from on an empty graph)."""
    found = fingerprint(store)
    for label in (
        "ApiKey",
        "AuditEvent",
        "EventReceipt",
        "Flag",
        "Run",
        "WeightsVersion",
        "Counter",
    ):
        found["labels"].pop(label, None)
    for rel in ("CONCERNS", "RAISED_BY", "SHARES_IDENTIFIERS"):
        found["rels"].pop(rel, None)
    return found


def as_events(files: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"type": TYPES[name], "data": row} for name, rows in files.items() for row in rows]


@pytest.fixture
def api(store: Store, settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client on an empty graph, and a service key's headers."""
    key = create_key(store, "service", "messaging service", SETUP).key
    with TestClient(create_app(settings, store=store)) as client:
        yield client, {"X-API-Key": key}


def post(
    client: TestClient, headers: dict[str, str], events: list[dict[str, Any]], wait: float = 30
) -> Any:
    """POST the events; by default wait for their re-score, so that the test's next read or
    reset of the graph never races the background pass."""
    response = client.post(f"/events?wait={wait}", json={"events": events}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_streaming_the_market_builds_the_graph_a_batch_ingest_builds(
    api: tuple[TestClient, dict[str, str]], store: Store, tmp_path: Path
) -> None:
    client, headers = api
    files = small_market()
    events = as_events(files)
    # In arrival order rather than the contract's: messages before their conversation is known
    # would be refused, so each entity goes in its own request, the way a live system sends them.
    answers = []
    for name in files:
        answers += post(client, headers, as_events({name: files[name]}))["data"]
    assert [a["status"] for a in answers] == ["accepted"] * len(events), answers
    streamed = market_graph(store)
    load_market(store, files, tmp_path)
    assert market_graph(store) == streamed
    assert streamed["rels"]["MENTIONS"] >= 2 and streamed["pairs"]


def test_one_batch_in_any_order_is_loaded_in_the_contract_order(
    api: tuple[TestClient, dict[str, str]], store: Store, tmp_path: Path
) -> None:
    client, headers = api
    events = as_events(small_market())[::-1]
    result = post(client, headers, events)
    assert result["accepted"] == len(events) and result["rejected"] == 0
    assert [a["index"] for a in result["data"]] == list(range(len(events)))
    assert {"buyer_id": "b2", "seller_id": "s2"} in result["pairs"]
    assert result["findings"] >= 2
    streamed = market_graph(store)
    load_market(store, small_market(), tmp_path)
    assert market_graph(store) == streamed


def test_the_same_events_again_are_duplicates_and_change_nothing(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, headers = api
    events = as_events(small_market())
    post(client, headers, events)
    before = market_graph(store)
    again = post(client, headers, events)
    assert again["duplicate"] == len(events), again
    assert {a["status"] for a in again["data"]} == {"duplicate"}
    assert again["pairs"] == []
    assert market_graph(store) == before


def test_a_changed_order_updates_it_but_a_changed_message_is_refused(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, headers = api
    files = small_market()
    post(client, headers, as_events(files))
    order = {**files["orders"][0], "status": "refunded"}
    message = {**files["messages"][2], "body": "never mind"}
    result = post(
        client, headers, [{"type": "order", "data": order}, {"type": "message", "data": message}]
    )
    statuses = [(a["id"], a["status"]) for a in result["data"]]
    assert statuses == [("o1", "accepted"), ("m3", "rejected")]
    assert "does not change once sent" in result["data"][1]["reason"]
    rows = store.read(
        "MATCH (o:Order {order_id: 'o1'}) MATCH (m:Message {message_id: 'm3'}) "
        "RETURN o.status AS status, m.body AS body"
    )
    assert rows == [{"status": "refunded", "body": files["messages"][2]["body"]}]


def test_each_event_is_answered_with_the_reason_ingest_gives(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, headers = api
    files = small_market()
    post(client, headers, as_events({k: files[k] for k in ("sellers", "buyers")}))
    good = files["conversations"][0]
    events = [
        {"type": "conversation", "data": good},
        {"type": "conversation", "data": {**good, "conversation_id": "c9", "buyer_id": "nobody"}},
        {"type": "message", "data": {**files["messages"][0], "sent_at": "yesterday"}},
        {"type": "message", "data": {**files["messages"][0], "sender": "admin"}},
        {"type": "order", "data": {**files["orders"][0], "body": {"nested": 1}, "amount": "-3"}},
        {"type": "invoice", "data": {}},
        {"type": "buyer", "data": "b9"},
        {"type": "buyer", "data": {"buyer_id": "b9", "shoe_size": 44}},
    ]
    answers = post(client, headers, events)["data"]
    assert [(a["status"], a["reason"]) for a in answers] == [
        ("accepted", None),
        ("rejected", "unknown buyer_id 'nobody'"),
        ("rejected", "sent_at 'yesterday' is not an ISO 8601 timestamp"),
        ("rejected", "unknown sender role 'admin' (expected buyer or seller)"),
        ("rejected", "amount '-3' must be a non-negative number"),
        ("rejected", answers[5]["reason"]),
        ("rejected", "data must be an object (a contract row)"),
        ("accepted", None),
    ]
    assert answers[5]["reason"].startswith("unknown type 'invoice'")
    assert answers[7]["warnings"] == ["unknown field(s) ignored: shoe_size"]
    # Nothing of a rejected event is in the graph.
    assert store.count("MATCH (c:Conversation {conversation_id: 'c9'}) RETURN count(c) AS n") == 0
    assert store.count("MATCH (m:Message) RETURN count(m) AS n") == 0
    assert store.count("MATCH (o:Order) RETURN count(o) AS n") == 0


class FailingCommit:
    """The real store, whose next ``write_many`` fails at its last statement (a division by
    zero Neo4j refuses): a process that dies half-way through an event's writes."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def write_many(self, statements: list[Any]) -> Any:
        return self._store.write_many([*statements, ("UNWIND [0] AS x RETURN 1 / x", {})])


def test_a_message_is_written_whole_or_not_at_all(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    """Its node, its mentions, the pair edge and its receipt are one transaction: a failure at
    the end leaves none of them, and the same event sent again is accepted, not a duplicate."""
    client, headers = api
    files = small_market()
    post(client, headers, as_events({k: files[k] for k in ("sellers", "buyers", "conversations")}))
    before = market_graph(store)
    event = {"type": "message", "data": files["messages"][2]}  # the seller's phone number
    with pytest.raises(Neo4jError):
        apply_events(FailingCommit(store), [event], default_scanner([]))  # type: ignore[arg-type]
    assert market_graph(store) == before
    assert (
        store.count("MATCH (r:EventReceipt) WHERE r.key = 'message:m3' RETURN count(r) AS n") == 0
    )
    answer = post(client, headers, [event])["data"][0]
    assert answer["status"] == "accepted"
    after = market_graph(store)
    assert after["rels"]["MENTIONS"] == 1
    (pair,) = [p for p in after["pairs"] if p["buyer"] == "b2"]
    assert pair["messages"] == 1 and pair["findings"] >= 1


def test_concurrent_events_of_one_pair_all_land_and_one_message_sent_twice_lands_once(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, headers = api
    files = small_market()
    post(client, headers, as_events({k: files[k] for k in ("sellers", "buyers", "conversations")}))
    template = files["messages"][2]
    messages = [
        {**template, "message_id": f"mc{i}", "sender": "buyer" if i % 2 else "seller",
         "sent_at": f"2024-02-03T13:{i:02d}:00Z", "body": f"message {i}: call 07911 23456{i % 10}"}
        for i in range(12)
    ]  # fmt: skip
    twice = [messages[0]] * 4

    def send(rows: list[dict[str, Any]]) -> list[str]:
        result = apply_events(store, [{"type": "message", "data": r} for r in rows], None)
        return [o.status for o in result.outcomes]

    with ThreadPoolExecutor(max_workers=6) as pool:
        spread = [pool.submit(send, messages[i::6]) for i in range(6)]
        racing = [pool.submit(send, [row]) for row in twice]
        statuses = [s for f in spread for s in f.result()]
        raced = sorted(s for f in racing for s in f.result())
    # Twelve messages, one of them (mc0) sent five times at once: it lands once.
    everything = statuses + raced
    assert (everything.count("accepted"), everything.count("duplicate")) == (12, 4), everything
    rows = store.read(
        "MATCH (:Buyer {buyer_id: 'b2'})-[d:DEALT_WITH]->(:Seller {seller_id: 's2'}) "
        "RETURN d.messages AS messages"
    )
    assert rows == [{"messages": 12}]
    assert store.count("MATCH (m:Message {message_id: 'mc0'}) RETURN count(m) AS n") == 1


def test_a_message_with_the_sellers_number_moves_its_pair_flag_before_the_answer(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, headers = api
    files = small_market()
    post(client, headers, as_events({k: files[k] for k in ("sellers", "buyers", "conversations")}))
    create(store, "http://127.0.0.1:9/x", ["flag.raised", "flag.updated"], None, SETUP,
           allowed_hosts=["127.0.0.1"], https_only=False)  # fmt: skip
    read = "MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f.score AS score, f.reasons AS reasons"
    before = store.read(read)  # b2 already holds s2's phone: maybe flagged, not for a message
    assert not any("m3" in r for row in before for r in row["reasons"])
    answer = post(client, headers, [{"type": "message", "data": files["messages"][2]}], wait=30)
    assert answer["rescore"]["status"] == "done" and answer["rescore"]["pairs_rescored"] >= 1
    (after,) = store.read(read)
    assert any("m3" in r for r in after["reasons"]), after
    assert not before or after["score"] > before[0]["score"]
    told = store.read("MATCH (e:OutboxEvent) RETURN e.flag_id AS flag_id, e.type AS type")
    assert {r["flag_id"] for r in told} >= {"pair:b2:s2"}, told
    quiet = post(client, headers, [{"type": "seller", "data": files["sellers"][0]}])
    assert quiet["rescore"] is None  # no pair's evidence changed: nothing to score


def test_without_waiting_the_flag_follows_within_seconds(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, headers = api
    files = small_market()
    post(client, headers, as_events({k: files[k] for k in ("sellers", "buyers", "conversations")}))
    answer = post(client, headers, [{"type": "message", "data": files["messages"][2]}], wait=0)
    assert answer["rescore"] == {**answer["rescore"], "status": "queued", "pairs": 1}
    # Another event waiting for its own re-score also waits for every one queued before it.
    later = post(client, headers, [{"type": "message", "data": files["messages"][3]}], wait=30)
    assert later["rescore"]["status"] == "done"
    reasons = store.read("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f.reasons AS r")
    assert reasons and any("m3" in r for r in reasons[0]["r"])
