"""Issue 11, item 1, across flags: a seller flag confirmed after the notice of a pair flag whose
findings (messages, identifiers) it repeats counts them once, in that case, not as a second
strike. Through the real app and the real Neo4j (a market of its own: a fresh seller history)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]
PAIRS = ["pair:b2:s2", "pair:b3:s2"]


def decide(client: TestClient, headers: dict[str, str], flag_id: str) -> Any:
    response = client.post(
        f"/flags/{flag_id}/decision",
        json={"decision": "confirmed", "note": "the same messages, read again"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_seller_flag_on_evidence_already_counted_joins_that_case(
    client: TestClient, as_role: Headers
) -> None:
    investigator = as_role["investigator"]
    pairs = [client.get(f"/flags/{f}", headers=investigator).json() for f in PAIRS]
    seller = client.get("/flags/seller:s2", headers=investigator).json()
    findings = [e for e in seller["evidence"] if not e.startswith(("buyer:", "seller:"))]
    assert findings and set(findings) <= {e for p in pairs for e in p["evidence"]}, seller

    case_id = decide(client, investigator, PAIRS[0])["case_ids"][0]
    assert decide(client, investigator, PAIRS[1])["case_ids"] == [case_id]
    assert client.post(f"/cases/{case_id}/notices", headers=investigator).status_code == 201
    joined = decide(client, investigator, "seller:s2")
    strikes = client.get("/sellers/s2/enforcement", headers=investigator).json()
    assert strikes["active_strikes"] == 1, strikes
    assert joined["case_ids"] == [case_id] and case_id in joined["message"], joined
    case = client.get(f"/cases/{case_id}", headers=investigator).json()["case"]
    assert sorted(case["flag_ids"]) == [*PAIRS, "seller:s2"]
