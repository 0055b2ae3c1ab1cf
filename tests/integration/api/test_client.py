"""``sidedeal.client``: every call it makes is an operation of the API's OpenAPI document, and it
works against the real app (scan, events, flags, decisions, webhooks)."""

from __future__ import annotations

import inspect
import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from sidedeal.client import ApiClient, ApiError

Headers = dict[str, dict[str, str]]
TRANSPORT = {"request", "get", "post", "close", "from_settings", "can_write"}
SAMPLES: dict[str, Any] = {
    "flag_id": "pair:b2:s2",
    "buyer_id": "b2",
    "seller_id": "s2",
    "case_id": "case-1",
    "decision": "unsure",
    "note": "a note",
    "flag_ids": ["pair:b2:s2"],
    "assignee": "ana",
    "body": {"amount": 1, "currency": "EUR", "note": "x"},
    "idempotency_key": "k1",
    "kind": "seller",
    "account_id": "s2",
    "depth": 1,
    "limit": 10,
    "query": "s2",
    "text": "hello",
    "messages": [{"text": "hello"}],
    "event_type": "buyer",
    "data": {"buyer_id": "b1"},
    "events": [{"type": "buyer", "data": {"buyer_id": "b1"}}],
    "url": "http://127.0.0.1:9/x",
    "webhook_id": "wh-1",
    "delivery_id": "dlv-1",
}


def calls_of_every_method() -> list[tuple[str, str]]:
    """(method, path) of every call the client's public methods make."""
    seen: list[tuple[str, str]] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        return httpx.Response(200, json={"results": [], "data": [], "can_write": True})

    client = ApiClient("http://api", "sdk_x_y", transport=httpx.MockTransport(record))
    for name, method in inspect.getmembers(client, inspect.ismethod):
        if name.startswith("_") or name in TRANSPORT:
            continue
        parameters = inspect.signature(method).parameters
        args = {
            p: SAMPLES[p]
            for p, spec in parameters.items()
            if spec.default is spec.empty and spec.kind is not spec.VAR_KEYWORD
        }
        method(**args)
    return seen


def test_every_call_of_the_client_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operations = [
        (m.upper(), re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", p) + "$"))
        for p, ops in paths.items()
        for m in ops
    ]
    made = calls_of_every_method()
    assert len(made) >= 25
    for method, path in made:
        assert any(m == method and rx.match(path) for m, rx in operations), (method, path)


def test_the_client_drives_the_real_app(client: TestClient, as_role: Headers) -> None:
    service = ApiClient(
        "http://testserver", as_role["service"]["X-API-Key"], transport=client._transport
    )
    verdict = service.scan("call me on 07911 234567", "GB", sender_role="seller")
    assert verdict["action"] == "hold"
    assert [v["action"] for v in service.scan_many([{"text": "hi"}])] == ["allow"]
    answer = service.send_event("buyer", {"buyer_id": "b-client", "country": "FR"})
    assert answer["data"][0]["status"] in ("accepted", "duplicate")
    with pytest.raises(ApiError) as refused:
        service.flags()
    assert refused.value.status == 403

    admin = ApiClient(
        "http://testserver", as_role["admin"]["X-API-Key"], transport=client._transport
    )
    hook = admin.create_webhook("http://127.0.0.1:9/x", ["flag.decided"], "client test")
    assert hook["secret"].startswith("whsec_")
    decided = admin.decide("seller:s2", "unsure", "looked at it from the client")
    assert decided["status"] == "unsure"
    assert admin.deliveries(hook["id"])["count"] == 1
    admin.delete_webhook(hook["id"])
    assert hook["id"] not in [h["id"] for h in admin.webhooks()["data"]]
