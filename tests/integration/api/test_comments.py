"""Comments on a case and the case list's filters (issue 13: casework in one place)."""

from __future__ import annotations

from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]


def confirmed_case(client: TestClient, as_role: Headers) -> str:
    decided = client.post(
        "/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "the number, then silence"},
        headers=as_role["investigator"],
    )
    assert decided.status_code == 200, decided.text
    return str(decided.json()["case_ids"][0])


def test_investigators_comment_on_a_case_and_viewers_read_it_masked(
    client: TestClient, as_role: Headers
) -> None:
    case_id = confirmed_case(client, as_role)
    url = f"/cases/{case_id}/comments"
    first = client.post(
        url, json={"body": "called him on 07700 900456"}, headers=as_role["investigator"]
    )
    assert first.status_code == 201, first.text
    second = client.post(
        url, json={"body": "no answer, try Friday"}, headers=as_role["investigator"]
    )
    assert second.status_code == 201
    assert client.post(url, json={"body": "me too"}, headers=as_role["viewer"]).status_code == 403
    assert client.post(url, json={"body": " "}, headers=as_role["investigator"]).status_code == 422

    read = client.get(url, headers=as_role["investigator"]).json()
    assert [c["body"] for c in read["data"]] == [
        "called him on 07700 900456",
        "no answer, try Friday",
    ]
    assert read["data"][0]["author"] == "test investigator"
    masked = client.get(url, headers=as_role["viewer"]).json()
    assert (
        "900456" not in masked["data"][0]["body"] and "called him on" in masked["data"][0]["body"]
    )

    events = client.get(
        "/audit", params={"action": "case.comment", "object": case_id}, headers=as_role["admin"]
    ).json()
    assert events["count"] == 2
    assert client.get("/cases/case-none/comments", headers=as_role["viewer"]).status_code == 404


def test_cases_filter_by_assignee_and_notice_step(client: TestClient, as_role: Headers) -> None:
    case_id = confirmed_case(client, as_role)
    investigator = as_role["investigator"]
    client.post(
        "/flags/assign", json={"flag_ids": ["pair:b2:s2"], "assignee": "ana"}, headers=investigator
    )

    def listed(**params: str) -> list[str]:
        found = client.get("/cases", params=params, headers=as_role["viewer"]).json()["data"]
        return [c["case_id"] for c in found]

    assert case_id in listed(assignee="ana") and case_id not in listed(assignee="bob")
    assert case_id in listed(step="none")
    assert client.post(f"/cases/{case_id}/notices", headers=investigator).status_code == 201
    assert case_id not in listed(step="none") and case_id in listed(step="warning")
    row = next(
        c
        for c in client.get("/cases", headers=as_role["viewer"]).json()["data"]
        if c["case_id"] == case_id
    )
    assert row["assignees"] == ["ana"] and row["seller_name"] == "Hartley Watches"


def test_the_audit_trail_finds_an_actor_by_name_and_leaves_reads_out_on_request(
    client: TestClient, as_role: Headers
) -> None:
    case_id = confirmed_case(client, as_role)
    client.get(f"/cases/{case_id}", headers=as_role["investigator"])  # an unmasked read

    def actions(**params: object) -> list[str]:
        found = client.get("/audit", params={"limit": 500, **params}, headers=as_role["admin"])
        assert found.status_code == 200, found.text
        return [e["action"] for e in found.json()["data"]]

    by_name = actions(actor="test investigator")
    assert "case.read" in by_name and "flag.confirmed" in by_name
    changes = actions(actor="test investigator", reads=False)
    assert "flag.confirmed" in changes
    assert not [a for a in changes if a.endswith(".read") or a in ("search", "notice.preview")]
