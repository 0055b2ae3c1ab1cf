"""POST /scan, the pre-send check, through the real app: who may call it, what comes back, and
how a service key's calls are counted instead of audited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sidedeal.graph.store import Store

Headers = dict[str, dict[str, str]]
TEXT = "Lovely. Call me on 07911 234567 or mail tom.baker [at] outlook [dot] com, no fees"


def test_a_seller_sharing_contact_details_is_held_with_unmasked_findings(
    client: TestClient, as_role: Headers
) -> None:
    body = {"text": TEXT, "country": "GB", "sender_role": "seller", "conversation_id": "c2"}
    response = client.post("/scan", json=body, headers=as_role["service"])
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["action"] == "hold"
    assert result["conversation_id"] == "c2"
    values = {f["value"] for f in result["findings"]}
    assert {"+447911234567", "tom.baker@outlook.com"} <= values  # the caller wrote them: unmasked
    for finding in result["findings"]:
        assert set(finding) == {"kind", "category", "value", "start", "end", "rule", "confidence"}
    assert result["cues"] and result["reason"]


def test_a_batch_is_answered_in_order(client: TestClient, as_role: Headers) -> None:
    messages = [
        {"id": "a", "text": "Is the strap original?", "country": "GB", "sender_role": "buyer"},
        {"id": "b", "text": "text me 07911 234567", "country": "GB", "sender_role": "buyer"},
        {"id": "c", "text": "text me 07911 234567", "country": "GB", "sender_role": "seller"},
    ]
    response = client.post("/scan", json={"messages": messages}, headers=as_role["service"])
    results = response.json()["results"]
    assert [(r["id"], r["action"]) for r in results] == [
        ("a", "allow"),
        ("b", "nudge"),
        ("c", "hold"),
    ]


def test_bad_requests_name_what_is_wrong(client: TestClient, as_role: Headers) -> None:
    service = as_role["service"]
    both = client.post("/scan", json={"text": "x", "messages": [{"text": "y"}]}, headers=service)
    assert both.status_code == 422 and "not both" in both.json()["message"]
    neither = client.post("/scan", json={"country": "GB"}, headers=service)
    assert neither.status_code == 422
    country = client.post("/scan", json={"text": "x", "country": "GBR"}, headers=service)
    assert country.status_code == 422 and country.json()["fields"][0]["field"] == "body.country"
    role = client.post("/scan", json={"text": "x", "sender_role": "admin"}, headers=service)
    assert role.status_code == 422
    many = client.post("/scan", json={"messages": [{"text": "x"}] * 101}, headers=service)
    assert many.status_code == 400 and "at most 100" in many.json()["message"]


def test_service_keys_are_counted_not_audited_and_read_nothing_else(
    client: TestClient, as_role: Headers, keys: dict[str, str], market: Store
) -> None:
    service = as_role["service"]
    key_id = keys["service"].split("_")[1]
    usage = client.app.state.usage  # type: ignore[attr-defined]
    usage.flush(market)
    before = _requests(client, as_role, key_id)
    for _ in range(3):
        assert client.post("/scan", json={"text": "hello"}, headers=service).status_code == 200
    assert client.get("/flags", headers=service).status_code == 403
    assert client.get("/me", headers=service).json()["can_send_events"] is True
    assert usage.flush(market) == 5  # three checks, one refused read, one /me
    assert _requests(client, as_role, key_id) == before + 5
    audited = market.count("MATCH (e:AuditEvent {actor: $k}) RETURN count(e) AS n", {"k": key_id})
    assert audited == 0


def _requests(client: TestClient, as_role: Headers, key_id: str) -> int:
    listed = client.get("/keys", headers=as_role["admin"]).json()["data"]
    (key,) = [k for k in listed if k["key_id"] == key_id]
    assert key["role"] == "service"
    return int(key["requests"])
