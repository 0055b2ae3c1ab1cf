"""Issue 11, item 1: a flag's evidence counts toward at most one strike.

Confirming a flag again (directly, after a dismissal, or after a re-open) never opens a second
case or adds a second strike on the same evidence; only new evidence does. Through the real app and
the real Neo4j.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from sidedeal.graph.store import Store

Headers = dict[str, dict[str, str]]


def decide(client: TestClient, headers: dict[str, str], flag_id: str, decision: str) -> Any:
    response = client.post(
        f"/flags/{flag_id}/decision",
        json={"decision": decision, "note": f"{decision}: read the messages again"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def standing(client: TestClient, headers: dict[str, str], seller_id: str) -> tuple[int, int]:
    """The seller's active strikes, and how many cases were ever opened for them."""
    strikes = client.get(f"/sellers/{seller_id}/enforcement", headers=headers).json()
    cases = client.get(f"/cases?seller_id={seller_id}", headers=headers).json()
    return strikes["active_strikes"], cases["count"]


def test_confirming_again_after_the_notice_opens_no_second_case_or_strike(
    client: TestClient, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    first = decide(client, investigator, "pair:b2:s2", "confirmed")
    case_id = first["case_ids"][0]
    assert client.post(f"/cases/{case_id}/notices", headers=investigator).status_code == 201
    assert standing(client, investigator, "s2") == (1, 1)

    again = decide(client, investigator, "pair:b2:s2", "confirmed")
    assert standing(client, investigator, "s2") == (1, 1)
    assert again["case_ids"] == [case_id]
    assert again["changed"] is False
    assert "already confirmed" in again["message"] and case_id in again["message"]

    # Taking the decision back and confirming again: still the one notified case and strike.
    assert decide(client, investigator, "pair:b2:s2", "dismissed")["case_ids"] == [case_id]
    back = decide(client, investigator, "pair:b2:s2", "confirmed")
    assert back["status"] == "confirmed" and back["case_ids"] == [case_id]
    assert standing(client, investigator, "s2") == (1, 1)
    audited = market.count(
        "MATCH (e:AuditEvent) WHERE 'pair:b2:s2' IN e.objects AND e.action = 'flag.confirmed' "
        "RETURN count(e) AS n"
    )
    assert audited == 2  # the first confirmation and the one after the dismissal, not the no-op


def test_a_reopened_flag_confirmed_again_without_new_evidence_stays_in_its_case(
    client: TestClient, as_role: Headers, market: Store
) -> None:
    investigator, viewer = as_role["investigator"], as_role["viewer"]
    case_id = decide(client, investigator, "pair:b2:s2", "confirmed")["case_ids"][0]
    client.post(f"/cases/{case_id}/notices", headers=investigator)
    strikes, cases = standing(client, investigator, "s2")

    refused = client.post("/flags/pair:b2:s2/reopen", json={"note": "a look"}, headers=viewer)
    assert refused.status_code == 403
    no_note = client.post("/flags/pair:b2:s2/reopen", json={}, headers=investigator)
    assert no_note.status_code == 422 and no_note.json()["fields"][0]["field"] == "body.note"
    reopened = client.post(
        "/flags/pair:b2:s2/reopen",
        json={"note": "the buyer disputes it; looking again"},
        headers=investigator,
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open"
    flag = client.get("/flags/pair:b2:s2", headers=investigator).json()
    assert flag["status"] == "open"
    twice = client.post("/flags/pair:b2:s2/reopen", json={"note": "again"}, headers=investigator)
    assert twice.status_code == 409 and "not decided" in twice.json()["message"]
    assert (
        market.count(
            "MATCH (e:AuditEvent {action: 'flag.reopen'}) WHERE 'pair:b2:s2' IN e.objects "
            "AND e.detail CONTAINS 'the buyer disputes it' RETURN count(e) AS n"
        )
        == 1
    )

    assert decide(client, investigator, "pair:b2:s2", "confirmed")["case_ids"] == [case_id]
    assert standing(client, investigator, "s2") == (strikes, cases)


def test_new_evidence_after_the_decision_opens_a_new_case_and_strike(
    client: TestClient, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    case_id = decide(client, investigator, "pair:b2:s2", "confirmed")["case_ids"][0]
    client.post(f"/cases/{case_id}/notices", headers=investigator)
    strikes, cases = standing(client, investigator, "s2")
    assert decide(client, investigator, "pair:b2:s2", "confirmed")["changed"] is False

    message = {
        "message_id": "m-after-notice",
        "conversation_id": "c2",
        "sender": "seller",
        "sent_at": "2024-03-01T09:00:00Z",
        "body": "New number: +44 7700 900123, or pay me at hartley.deals@protonmail.com",
    }
    sent = client.post(
        "/events?wait=30", json={"type": "message", "data": message}, headers=as_role["admin"]
    )
    assert sent.status_code == 200 and sent.json()["rescore"]["status"] == "done", sent.text
    flag = client.get("/flags/pair:b2:s2", headers=investigator).json()
    assert "m-after-notice" in flag["evidence"], flag["evidence"]

    renewed = decide(client, investigator, "pair:b2:s2", "confirmed")
    assert renewed["changed"] is True
    new_case = [c for c in renewed["case_ids"] if c != case_id]
    assert len(new_case) == 1, renewed
    assert standing(client, investigator, "s2") == (strikes + 1, cases + 1)
    # The new case climbs the ladder; once counted, the new evidence too counts only once.
    notice = client.post(f"/cases/{new_case[0]}/notices", headers=investigator).json()
    assert notice["strike_number"] == strikes + 1
    assert decide(client, investigator, "pair:b2:s2", "confirmed")["changed"] is False
    assert standing(client, investigator, "s2") == (strikes + 1, cases + 1)


def test_evidence_the_notice_cited_counts_even_when_it_came_after_the_confirmation(
    client: TestClient, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    case_id = decide(client, investigator, "pair:b3:s2", "confirmed")["case_ids"][0]
    message = {
        "message_id": "m-before-notice",
        "conversation_id": "c3",
        "sender": "seller",
        "sent_at": "2024-02-06T09:00:00Z",
        "body": "Text me on +44 7700 900789 and we skip the fees",
    }
    sent = client.post(
        "/events?wait=30", json={"type": "message", "data": message}, headers=as_role["admin"]
    )
    assert sent.status_code == 200 and sent.json()["rescore"]["status"] == "done", sent.text
    flag = client.get("/flags/pair:b3:s2", headers=investigator).json()
    assert flag["status"] == "confirmed" and "m-before-notice" in flag["evidence"]
    notice = client.post(f"/cases/{case_id}/notices", headers=investigator)
    assert notice.status_code == 201, notice.text
    strikes, cases = standing(client, investigator, "s2")

    again = decide(client, investigator, "pair:b3:s2", "confirmed")
    assert again["changed"] is False and again["case_ids"] == [case_id]
    assert standing(client, investigator, "s2") == (strikes, cases)


def test_twenty_concurrent_confirmations_add_one_case_and_one_strike(
    client: TestClient, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    strikes, cases = standing(client, investigator, "s1")
    start = threading.Barrier(20)

    def confirm(_: int) -> Any:
        start.wait()
        return client.post(
            "/flags/seller:s1/decision",
            json={"decision": "confirmed", "note": "confirmed from two tabs at once"},
            headers=investigator,
        )

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(confirm, range(20)))
    assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
    assert len({tuple(a.json()["case_ids"]) for a in answers}) == 1
    assert standing(client, investigator, "s1") == (strikes + 1, cases + 1)
