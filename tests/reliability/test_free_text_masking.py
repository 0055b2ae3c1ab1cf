"""Issue 11, item 8: viewers never read a contact value typed into free text.

Decision notes, case close notes, recovery-order notes and allow-list reasons go through the
scanner before a viewer reads them, on every endpoint that returns them; investigators read them
as typed, and those reads are audited. Through the real app and the real Neo4j.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sidedeal.casework.masking import mask_free_text
from sidedeal.graph.store import Store

Headers = dict[str, dict[str, str]]
TYPED = [
    "+33 6 12 34 56 78",
    "07700 900456",
    "ana.freetext@example.org",
    "DE89 3704 0044 0532 0130 00",
    "@freetext_handle",
    "j.smith [at] outlook [dot] com",
]
NOTE = (
    "he gave +33 6 12 34 56 78 and 07700 900456, mail ana.freetext@example.org or "
    "j.smith [at] outlook [dot] com; pay DE89 3704 0044 0532 0130 00, telegram @freetext_handle"
)
Field = Callable[[Any], str]


@pytest.fixture(scope="module")
def noted(client: TestClient, as_role: Headers) -> dict[str, str]:
    """A note holding contact values in every free-text field the API keeps."""
    investigator = as_role["investigator"]

    def post(path: str, body: dict[str, Any], method: str = "POST") -> Any:
        answer = client.request(method, path, json=body, headers=investigator)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    case_id = post("/flags/pair:b2:s2/decision", {"decision": "confirmed", "note": NOTE})[
        "case_ids"
    ][0]
    order = post(
        f"/cases/{case_id}/recovery-orders", {"amount": 50, "currency": "EUR", "note": NOTE}
    )
    order_id = order["recovery_order_id"]
    post(f"/recovery-orders/{order_id}", {"status": "disputed", "note": NOTE}, "PATCH")
    post(
        "/pairs/b3/s2/allow-list",
        {"mode": "allow", "reason": NOTE, "expires_at": "2099-01-01T00:00:00Z"},
        "PUT",
    )
    closed = post("/flags/seller:s3/decision", {"decision": "confirmed", "note": "same again"})
    post(f"/cases/{closed['case_ids'][0]}/close", {"note": NOTE})
    return {"case_id": case_id, "order_id": order_id, "closed_case_id": closed["case_ids"][0]}


def reads(ids: dict[str, str]) -> list[tuple[str, str, Field]]:
    """(path, audit action of an investigator's read, the free-text field in the answer)."""

    def order_in(body: Any) -> Any:
        return next(o for o in body["data"] if o["recovery_order_id"] == ids["order_id"])

    def closed_in(body: Any) -> Any:
        return next(c for c in body["data"] if c["case_id"] == ids["closed_case_id"])

    allow = "/allow-list"
    return [
        ("/flags/pair:b2:s2", "flag.read", lambda b: b["decision_note"]),
        (f"/cases/{ids['case_id']}", "case.read", lambda b: b["recovery_orders"][0]["note"]),
        (f"/cases/{ids['case_id']}", "case.read", lambda b: b["recovery_orders"][0]["status_note"]),
        (f"/cases/{ids['closed_case_id']}", "case.read", lambda b: b["case"]["close_note"]),
        ("/cases", "cases.read", lambda b: closed_in(b)["close_note"]),
        ("/recovery-orders", "recovery_orders.read", lambda b: order_in(b)["note"]),
        ("/recovery-orders", "recovery_orders.read", lambda b: order_in(b)["status_note"]),
        (f"/recovery-orders/{ids['order_id']}", "recovery_order.read", lambda b: b["note"]),
        (f"/recovery-orders/{ids['order_id']}", "recovery_order.read", lambda b: b["status_note"]),
        (allow, "allow_list.read", lambda b: b["data"][0]["reason"]),
        ("/pairs/b3/s2", "pair.read", lambda b: b["allow_list"]["reason"]),
    ]


def test_viewers_read_free_text_with_every_contact_value_masked(
    client: TestClient, as_role: Headers, noted: dict[str, str]
) -> None:
    leaks, shown_to_viewer = [], []
    for path, _, field in reads(noted):
        shown = field(client.get(path, headers=as_role["viewer"]).json())
        leaks += [(path, value) for value in TYPED if value in shown]
        shown_to_viewer.append(shown)
        typed = field(client.get(path, headers=as_role["investigator"]).json())
        assert typed == NOTE, (path, typed)
    assert leaks == []
    assert all("he gave" in s and "***" in s for s in shown_to_viewer), shown_to_viewer


def test_investigators_reads_of_free_text_are_audited(
    client: TestClient, as_role: Headers, market: Store, noted: dict[str, str]
) -> None:
    for path, action, _ in reads(noted):
        query = "MATCH (e:AuditEvent {action: $action}) RETURN count(e) AS n"
        before = market.count(query, {"action": action})
        assert client.get(path, headers=as_role["investigator"]).status_code == 200
        assert market.count(query, {"action": action}) == before + 1, (path, action)
        client.get(path, headers=as_role["viewer"])  # masked: nothing to audit
        assert market.count(query, {"action": action}) == before + 1, (path, action)


def test_the_scanner_masks_disguised_values_and_leaves_plain_notes_alone() -> None:
    masked = mask_free_text(
        "call seven one eight five five five one two three four, or whatsapp 612 345 678"
    )
    assert "seven one eight" not in masked and "612 345 678" not in masked, masked
    assert mask_free_text(masked) == masked  # masking masked text changes nothing
    plain = "Paid 12500 EUR on 2024-03-01 for order o3; the buyer confirmed by phone."
    assert mask_free_text(plain) == plain
