"""Decisions, assignment, cases, strikes, notices and recovery orders, through the real app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.graph.store import Store

Headers = dict[str, dict[str, str]]


def decide(
    client: TestClient, headers: dict[str, str], flag_id: str, decision: str
) -> dict[str, Any]:
    response = client.post(
        f"/flags/{flag_id}/decision",
        json={"decision": decision, "note": f"{decision} after reading the messages"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_decision_needs_a_note_and_a_known_decision(client: TestClient, as_role: Headers) -> None:
    investigator = as_role["investigator"]
    missing = client.post(
        "/flags/pair:b2:s2/decision", json={"decision": "confirmed"}, headers=investigator
    )
    assert missing.status_code == 422
    assert [f["field"] for f in missing.json()["fields"]] == ["body.note"]
    blank = client.post(
        "/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "   "},
        headers=investigator,
    )
    assert blank.status_code == 422
    odd = client.post(
        "/flags/pair:b2:s2/decision",
        json={"decision": "maybe", "note": "hmm"},
        headers=investigator,
    )
    assert odd.status_code == 422 and odd.json()["fields"][0]["field"] == "body.decision"
    unknown = client.post(
        "/flags/pair:nobody:s2/decision",
        json={"decision": "dismissed", "note": "no such flag"},
        headers=investigator,
    )
    assert unknown.status_code == 404 and "pair:nobody:s2" in unknown.json()["message"]


def test_confirmations_on_one_seller_gather_in_one_case_with_one_strike(
    client: TestClient, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    first = decide(client, investigator, "pair:b2:s2", "confirmed")
    second = decide(client, investigator, "pair:b3:s2", "confirmed")
    third = decide(client, investigator, "seller:s2", "confirmed")
    assert first["case_ids"] == second["case_ids"] == third["case_ids"]
    case_id = first["case_ids"][0]

    case = client.get(f"/cases/{case_id}", headers=as_role["viewer"]).json()["case"]
    assert case["seller_id"] == "s2" and case["status"] == "open"
    assert sorted(case["flag_ids"]) == ["pair:b2:s2", "pair:b3:s2", "seller:s2"]
    assert case["strike_number"] == 1

    standing = client.get("/sellers/s2/enforcement", headers=as_role["viewer"]).json()
    assert standing["active_strikes"] == 1
    assert standing["open_case_id"] == case_id
    assert standing["next_step"] == "warning"
    expires = datetime.fromisoformat(standing["strikes"][0]["expires_at"])
    assert timedelta(days=360) < expires - datetime.now(UTC) < timedelta(days=370)
    assert client.get("/sellers/s2", headers=as_role["viewer"]).json()["strikes"] == 1

    flag = client.get("/flags/pair:b2:s2", headers=investigator).json()
    assert flag["status"] == "confirmed"
    assert flag["decision_note"] == "confirmed after reading the messages"
    assert flag["case_ids"] == [case_id]

    # The analysis leaves decisions alone on its next run.
    analyze(market, load_weights(), trigger="test")
    again = client.get("/flags/pair:b2:s2", headers=investigator).json()
    assert again["status"] == "confirmed"


def test_the_notice_goes_out_once_even_when_asked_again(
    client: TestClient, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    case_id = decide(client, investigator, "pair:b2:s2", "confirmed")["case_ids"][0]
    preview = client.get(f"/cases/{case_id}/notice-preview", headers=investigator).json()
    assert preview["step"] == "warning" and not preview["already_issued"]
    masked = client.get(f"/cases/{case_id}/notice-preview", headers=as_role["viewer"]).json()
    assert "+447911123456" not in masked["body"] and "+44 79** ***456" in masked["body"]
    first = client.post(f"/cases/{case_id}/notices", headers=investigator)
    assert first.status_code == 201, first.text
    notice = first.json()
    assert (notice["subject"], notice["body"]) == (preview["subject"], preview["body"])
    after = client.get(f"/cases/{case_id}/notice-preview", headers=investigator).json()
    assert after["already_issued"]
    assert notice["step"] == "warning" and notice["strike_number"] == 1
    assert "Hartley Watches" in notice["body"]
    assert "+447911123456" in notice["body"]  # the evidence, unmasked for an investigator
    assert case_id in notice["subject"]

    retried = client.post(
        f"/cases/{case_id}/notices", headers={**investigator, "X-Request-ID": "retry-1"}
    )
    assert retried.status_code == 200
    assert retried.json()["notice_id"] == notice["notice_id"]
    count = market.count(
        "MATCH (n:Notice {case_id: $case_id}) RETURN count(n) AS n", {"case_id": case_id}
    )
    assert count == 1

    viewer_view = client.get(f"/notices?case_id={case_id}", headers=as_role["viewer"]).json()
    assert viewer_view["count"] == 1
    assert "+447911123456" not in viewer_view["data"][0]["body"]
    assert "+44 79** ***456" in viewer_view["data"][0]["body"]

    # The notified case is done, but a flag's evidence counts toward one strike: taking a
    # confirmation back and giving it again keeps it in that case (new evidence opening a new
    # case, strike 2, is tests/reliability/test_enforcement.py).
    case = client.get(f"/cases/{case_id}", headers=investigator).json()["case"]
    assert case["status"] == "notified"
    decide(client, investigator, "seller:s1", "confirmed")
    renewed = decide(client, investigator, "pair:b3:s2", "dismissed")
    assert renewed["case_ids"] == [case_id]  # the notice went out with it: the record stays
    assert decide(client, investigator, "pair:b3:s2", "confirmed")["case_ids"] == [case_id]
    standing = client.get("/sellers/s2/enforcement", headers=investigator).json()
    assert standing["active_strikes"] == 1 and standing["next_step"] == "formal_notice"


def test_taking_back_the_only_confirmation_voids_the_case_and_its_strike(
    client: TestClient, as_role: Headers
) -> None:
    investigator = as_role["investigator"]
    case_id = decide(client, investigator, "seller:s3", "confirmed")["case_ids"][0]
    assert client.get("/sellers/s3/enforcement", headers=investigator).json()["active_strikes"] == 1
    assert decide(client, investigator, "seller:s3", "unsure")["case_ids"] == []
    case = client.get(f"/cases/{case_id}", headers=investigator).json()["case"]
    assert case["status"] == "void"
    assert client.get("/sellers/s3/enforcement", headers=investigator).json()["active_strikes"] == 0
    refused = client.post(f"/cases/{case_id}/notices", headers=investigator)
    assert refused.status_code == 409 and "void" in refused.json()["message"]


def test_recovery_order_commission_and_idempotent_retry(
    client: TestClient, as_role: Headers
) -> None:
    investigator = as_role["investigator"]
    case_id = decide(client, investigator, "seller:s1", "confirmed")["case_ids"][0]
    body = {"amount": 12500, "currency": "eur", "buyer_id": "b1", "note": "sold outside, per buyer"}
    headers = {**investigator, "Idempotency-Key": "sale-b1-s1-commode"}
    created = client.post(f"/cases/{case_id}/recovery-orders", json=body, headers=headers)
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["commission_rate"] == 0.15
    assert order["commission_due"] == 1875.0
    assert order["currency"] == "EUR" and order["status"] == "open"
    replay = client.post(f"/cases/{case_id}/recovery-orders", json=body, headers=headers)
    assert replay.status_code == 200
    assert replay.json()["recovery_order_id"] == order["recovery_order_id"]

    path = f"/recovery-orders/{order['recovery_order_id']}"
    paid_too_soon = client.patch(path, json={"status": "paid"}, headers=investigator)
    assert paid_too_soon.status_code == 409 and "invoiced" in paid_too_soon.json()["message"]
    invoiced = client.patch(path, json={"status": "invoiced"}, headers=investigator)
    assert invoiced.json()["status"] == "invoiced"
    assert client.patch(path, json={"status": "paid"}, headers=investigator).status_code == 200
    listed = client.get(f"/recovery-orders?case_id={case_id}", headers=as_role["viewer"]).json()
    assert listed["count"] == 1 and listed["data"][0]["status"] == "paid"

    bad = client.post(
        f"/cases/{case_id}/recovery-orders",
        json={**body, "amount": -5, "currency": "euro"},
        headers=investigator,
    )
    assert bad.status_code == 422
    assert {f["field"] for f in bad.json()["fields"]} == {"body.amount", "body.currency"}


def test_assign_and_bulk_assign_then_filter_the_queue(client: TestClient, as_role: Headers) -> None:
    investigator = as_role["investigator"]
    one = client.post(
        "/flags/pair:b2:s2/assign", json={"assignee": "ana"}, headers=investigator
    ).json()
    assert one["assigned"] == ["pair:b2:s2"]
    bulk = client.post(
        "/flags/assign",
        json={"flag_ids": ["seller:s1", "seller:s3", "seller:nobody"], "assignee": "ben"},
        headers=investigator,
    ).json()
    assert sorted(bulk["assigned"]) == ["seller:s1", "seller:s3"]
    assert bulk["missing"] == ["seller:nobody"]
    mine = client.get(
        "/flags?assignee=ben&status=open&status=confirmed&status=unsure", headers=investigator
    )
    assert {f["flag_id"] for f in mine.json()["data"]} == {"seller:s1", "seller:s3"}
    assert (
        client.post(
            "/flags/nope/assign", json={"assignee": "ana"}, headers=investigator
        ).status_code
        == 404
    )


@pytest.mark.parametrize("mode", ["snooze", "allow"])
def test_allow_listed_or_snoozed_pairs_leave_the_queue_until_expiry(
    client: TestClient, as_role: Headers, mode: str
) -> None:
    investigator = as_role["investigator"]
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    queue = "/flags?kind=pair&status=open&status=confirmed&status=dismissed&status=unsure"
    before = {f["flag_id"] for f in client.get(queue, headers=investigator).json()["data"]}
    assert "pair:b2:s2" in before
    entry = client.put(
        "/pairs/b2/s2/allow-list",
        json={"mode": mode, "reason": "the buyer is the seller's brother", "expires_at": until},
        headers=investigator,
    )
    assert entry.status_code == 200, entry.text
    hidden = {f["flag_id"] for f in client.get(queue, headers=investigator).json()["data"]}
    assert "pair:b2:s2" not in hidden
    shown = client.get(queue + "&include_suppressed=true", headers=investigator).json()["data"]
    flag = next(f for f in shown if f["flag_id"] == "pair:b2:s2")
    assert flag["suppressed_until"] is not None
    pair = client.get("/pairs/b2/s2", headers=investigator).json()
    assert pair["allow_list"]["mode"] == mode
    assert client.delete("/pairs/b2/s2/allow-list", headers=investigator).status_code == 204
    back = {f["flag_id"] for f in client.get(queue, headers=investigator).json()["data"]}
    assert "pair:b2:s2" in back
    past = client.put(
        "/pairs/b2/s2/allow-list",
        json={"mode": mode, "reason": "typo in the date", "expires_at": "2020-01-01T00:00:00Z"},
        headers=investigator,
    )
    assert past.status_code == 400 and "future" in past.json()["message"]
    naive = client.put(
        "/pairs/b2/s2/allow-list",
        json={"mode": mode, "reason": "no zone", "expires_at": "2030-01-01T00:00:00"},
        headers=investigator,
    )
    assert naive.status_code == 422 and naive.json()["fields"][0]["field"] == "body.expires_at"
