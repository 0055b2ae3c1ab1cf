"""Read endpoints through the real app: search, profiles, network, pair detail, the queue."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]


@pytest.mark.parametrize(
    "query",
    ["07911 123456", "+44 7911 123456", "(+44) 7911-123-456", "447911123456", "+447911123456"],
)
def test_a_phone_is_found_however_it_is_typed(
    client: TestClient, as_role: Headers, query: str
) -> None:
    found = client.get("/search", params={"q": query}, headers=as_role["admin"]).json()
    keys = [i["key"] for i in found["identifiers"]]
    assert "phone:+447911123456" in keys, found
    ident = next(i for i in found["identifiers"] if i["key"] == "phone:+447911123456")
    assert {(h["kind"], h["id"]) for h in ident["holders"]} == {("buyer", "b2"), ("seller", "s2")}


def test_a_national_number_uses_the_given_country(client: TestClient, as_role: Headers) -> None:
    found = client.get(
        "/search",
        params={"q": "01 42 60 12 34", "country": "FR", "kind": "phone"},
        headers=as_role["admin"],
    ).json()
    assert [i["key"] for i in found["identifiers"]] == ["phone:+33142601234"]


@pytest.mark.parametrize("query", ["J.Hartley+shop@Gmail.com", "jhartley@googlemail.com"])
def test_emails_are_normalised_like_ingest(
    client: TestClient, as_role: Headers, query: str
) -> None:
    found = client.get("/search", params={"q": query}, headers=as_role["admin"]).json()
    assert [i["key"] for i in found["identifiers"]] == ["email:jhartley@gmail.com"]


def test_search_by_id_name_and_handle(client: TestClient, as_role: Headers) -> None:
    admin = as_role["admin"]
    by_id = client.get("/search?q=s2", headers=admin).json()
    assert [(a["kind"], a["id"]) for a in by_id["accounts"]] == [("seller", "s2")]
    by_name = client.get("/search?q=HARTLEY", headers=admin).json()
    assert [a["id"] for a in by_name["accounts"]] == ["s2"]
    assert by_name["accounts"][0]["open_flags"] >= 1
    for query in ("@hartley_w", "telegram:@Hartley_W", "hartley_w"):
        found = client.get("/search", params={"q": query, "kind": "handle"}, headers=admin).json()
        assert [i["key"] for i in found["identifiers"]] == ["handle:telegram:hartley_w"], query
    nothing = client.get("/search?q=zzzz-nobody", headers=admin).json()
    assert nothing["accounts"] == [] and nothing["identifiers"] == []


@pytest.mark.parametrize(
    ("query", "key", "holder"),
    [
        ("GB33 BUKB 2020 1555 5555 55", "iban:GB33BUKB20201555555555", ("seller", "s2")),
        ("gb82west12345698765432", "iban:GB82WEST12345698765432", ("seller", "s1")),
        ("203.0.113.7", "ip:203.0.113.7", ("buyer", "b3")),
        ("https://www.durand-antiques.fr/shop", "domain:durand-antiques.fr", ("seller", "s1")),
    ],
)
def test_bank_details_and_other_kinds_are_searchable(
    client: TestClient, as_role: Headers, query: str, key: str, holder: tuple[str, str]
) -> None:
    found = client.get("/search", params={"q": query}, headers=as_role["investigator"]).json()
    hit = next((i for i in found["identifiers"] if i["key"] == key), None)
    assert hit is not None, found
    assert holder in {(h["kind"], h["id"]) for h in hit["holders"]}
    masked = client.get("/search", params={"q": query}, headers=as_role["viewer"]).json()
    shown = next(i for i in masked["identifiers"] if i["kind"] == key.split(":")[0])
    assert shown["value"] != hit["value"] or hit["kind"] == "domain"


def test_identifier_kinds_are_listed_from_the_registry(
    client: TestClient, as_role: Headers
) -> None:
    from sidedeal.identifiers import names

    listed = client.get("/identifier-kinds", headers=as_role["viewer"]).json()
    assert [k["name"] for k in listed["data"]] == list(names())
    payout = next(k for k in listed["data"] if k["name"] == "payout")
    assert payout["contact"] and payout["payout"] and payout["masked"]
    assert {"kind": "payment", "value_prefix": "paypal.me:"} in payout["findings"]
    for kind in listed["data"]:
        found = client.get(
            "/search", params={"q": "x1", "kind": kind["name"]}, headers=as_role["viewer"]
        )
        assert found.status_code == 200, kind


def test_seller_and_buyer_profiles(client: TestClient, as_role: Headers) -> None:
    seller = client.get("/sellers/s2", headers=as_role["investigator"]).json()
    assert seller["name"] == "Hartley Watches"
    assert seller["figures"]["conversations"] == 2
    assert seller["figures"]["findings"] > 0
    assert seller["flags_by_status"]["open"] >= 2
    assert {p["id"] for p in seller["pairs"]} == {"b2", "b3"}
    assert "phone:+447911123456" in {i["key"] for i in seller["identifiers"]}
    assert seller["clusters"]
    buyer = client.get("/buyers/b1", headers=as_role["investigator"]).json()
    assert buyer["figures"]["orders"] == 2
    assert buyer["figures"]["order_value"] == pytest.approx(13300.0)
    missing = client.get("/sellers/nobody", headers=as_role["investigator"])
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_network_depth_and_truncation(client: TestClient, as_role: Headers) -> None:
    admin = as_role["admin"]
    one = client.get("/sellers/s2/network?depth=1", headers=admin).json()
    ids = {n["id"] for n in one["nodes"]}
    assert {"seller:s2", "buyer:b2", "buyer:b3", "flag:pair:b2:s2"} <= ids
    assert not one["truncated"]
    kinds = {n["type"] for n in one["nodes"]}
    assert {"seller", "buyer", "identifier", "flag"} <= kinds
    pair_edges = [e for e in one["edges"] if e["type"] == "pair"]
    assert {(e["source"], e["target"]) for e in pair_edges} == {
        ("buyer:b2", "seller:s2"),
        ("buyer:b3", "seller:s2"),
    }
    for edge in one["edges"]:
        assert edge["source"] in ids and edge["target"] in ids
    shared = next(n for n in one["nodes"] if n["properties"].get("key") == "phone:+447911123456")
    holds = {(e["source"], e["target"]) for e in one["edges"] if e["type"] == "holds"}
    assert ("buyer:b2", shared["id"]) in holds and ("seller:s2", shared["id"]) in holds

    # s1 and s3 share a payout IBAN: s3 is one step from s1, and b1 (s1's buyer) too.
    two = client.get("/sellers/s1/network?depth=2", headers=admin).json()
    assert {"seller:s3", "buyer:b1"} <= {n["id"] for n in two["nodes"]}
    capped = client.get("/sellers/s2/network?depth=2&limit=3", headers=admin).json()
    assert capped["truncated"] is True and len(capped["nodes"]) == 3
    assert client.get("/sellers/s2/network?depth=9", headers=admin).status_code == 422
    too_big = client.get("/sellers/s2/network?limit=100000", headers=admin)
    assert too_big.status_code == 400 and "2000" in too_big.json()["message"]


def test_pair_detail_has_the_timeline_spans_orders_and_factors(
    client: TestClient, as_role: Headers
) -> None:
    pair = client.get("/pairs/b2/s2", headers=as_role["investigator"]).json()
    messages = [m for c in pair["conversations"] for m in c["messages"]]
    assert [m["message_id"] for m in messages] == ["m3", "m4"]
    m3 = messages[0]
    phone = next(f for f in m3["findings"] if f["kind"] == "phone")
    assert m3["body"][phone["start"] : phone["end"]] == "07911 234567"
    assert phone["value"] == "+447911234567"
    assert pair["conversations"][0]["listing"]["title"] == "Rolex Submariner 5513"
    assert pair["score"] > 0.5 and pair["flag"]["flag_id"] == "pair:b2:s2"
    assert pair["factors"][0]["signal"] and pair["factors"][0]["contribution"] > 0
    assert sum(f["contribution"] for f in pair["factors"]) == pytest.approx(pair["score"], abs=0.01)
    assert pair["features"]["shared_identifiers"] == [
        "email:jhartley@gmail.com",
        "phone:+447911123456",
    ]

    with_orders = client.get("/pairs/b1/s1", headers=as_role["investigator"]).json()
    assert [o["order_id"] for o in with_orders["orders"]] == ["o1", "o2"]
    assert with_orders["flag"] is None
    strangers = client.get("/pairs/b3/s1", headers=as_role["investigator"])
    assert (
        strangers.status_code == 404 and "no conversation or order" in strangers.json()["message"]
    )


def test_queue_filters_sorts_and_pages(client: TestClient, as_role: Headers) -> None:
    viewer = as_role["viewer"]
    everything = client.get("/flags?limit=500", headers=viewer).json()
    assert everything["count"] == len(everything["data"]) >= 5
    scores = [f["score"] for f in everything["data"]]
    assert scores == sorted(scores, reverse=True)
    assert all(f["reasons"] for f in everything["data"])
    ascending = client.get("/flags?sort=score_asc", headers=viewer).json()["data"]
    assert [f["score"] for f in ascending] == sorted(scores)
    pairs = client.get("/flags?kind=pair", headers=viewer).json()
    assert {f["kind"] for f in pairs["data"]} == {"pair"}
    high = client.get("/flags?min_score=0.9", headers=viewer).json()["data"]
    assert high and all(f["score"] >= 0.9 for f in high)
    low = client.get("/flags?max_score=0.9", headers=viewer).json()["data"]
    assert all(f["score"] <= 0.9 for f in low)
    page = client.get("/flags?limit=2&offset=2", headers=viewer).json()
    assert page["count"] == everything["count"]
    assert [f["flag_id"] for f in page["data"]] == [f["flag_id"] for f in everything["data"][2:4]]
    beyond = client.get("/flags?offset=1000", headers=viewer).json()
    assert beyond == {"data": [], "count": everything["count"]}
    fresh = client.get("/flags?max_age_days=1", headers=viewer).json()
    assert fresh["count"] == everything["count"]
    assert client.get("/flags?min_age_days=1", headers=viewer).json()["count"] == 0
    for_seller = client.get("/flags?seller_id=s1", headers=viewer).json()["data"]
    assert {f["flag_id"] for f in for_seller} >= {"seller:s1"}
    assert (
        client.get("/flags?unassigned=true", headers=viewer).json()["count"] == everything["count"]
    )
    bad = client.get("/flags?status=bogus&min_score=2", headers=viewer)
    assert bad.status_code == 422
    assert {f["field"] for f in bad.json()["fields"]} == {"query.status.0", "query.min_score"}


def test_queue_items_name_the_accounts_and_date_the_last_evidence(
    client: TestClient, as_role: Headers
) -> None:
    flags = client.get("/flags?limit=500", headers=as_role["viewer"]).json()["data"]
    by_id = {f["flag_id"]: f for f in flags}
    pair = by_id["pair:b2:s2"]
    assert pair["seller_names"] == ["Hartley Watches"] and pair["buyer_names"] == ["Tom Baker"]
    assert pair["last_evidence_at"].startswith("2024-02-03T12:00")
    seller = by_id["seller:s2"]
    assert seller["seller_names"] == ["Hartley Watches"]
    assert seller["last_evidence_at"].startswith("2024-02-05T11:00")


def test_a_capped_network_keeps_the_flags_and_the_accounts_they_concern(
    client: TestClient, as_role: Headers
) -> None:
    admin = as_role["admin"]
    full = client.get("/sellers/s2/network?depth=3&limit=2000", headers=admin).json()
    flags = {n["id"] for n in full["nodes"] if n["type"] == "flag"}
    assert len(flags) >= 3 and len(full["nodes"]) > 8
    capped = client.get("/sellers/s2/network?depth=3&limit=8", headers=admin).json()
    ids = {n["id"] for n in capped["nodes"]}
    assert capped["truncated"] is True and len(ids) <= 8
    assert flags <= ids, "flag nodes are the last to go"
    concerned = {e["target"] for e in capped["edges"] if e["type"] == "concerns"}
    assert {"seller:s2", "buyer:b2", "buyer:b3"} <= concerned <= ids
    for edge in capped["edges"]:
        assert edge["source"] in ids and edge["target"] in ids
