"""A notice asked for by several requests at the same moment (a double click, a client retrying
on a timeout while the first request still runs) goes out once, with one audit event."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from sidedeal.casework.common import Actor
from sidedeal.casework.enforcement import NoticePublic, issue_notice
from sidedeal.graph.store import Store
from sidedeal.settings import Settings

Headers = dict[str, dict[str, str]]


def test_concurrent_requests_issue_one_notice_and_audit_it_once(
    client: TestClient, as_role: Headers, market: Store, settings: Settings
) -> None:
    confirmed = client.post(
        "/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "phone swapped, then silence"},
        headers=as_role["investigator"],
    )
    assert confirmed.status_code == 200, confirmed.text
    case_id = confirmed.json()["case_ids"][0]
    callers = 6
    start = threading.Barrier(callers)

    def request(number: int) -> tuple[NoticePublic, bool]:
        actor = Actor("key-test", "ana", "investigator", f"request-{number}")
        start.wait()
        return issue_notice(
            market,
            case_id,
            actor,
            ladder=settings.enforcement_ladder,
            expiry_months=settings.strike_expiry_months,
        )

    with ThreadPoolExecutor(callers) as pool:
        results = list(pool.map(request, range(callers)))

    assert len({notice.notice_id for notice, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1
    audited = market.count(
        "MATCH (e:AuditEvent {action: 'notice.issue'}) WHERE $case_id IN e.objects "
        "RETURN count(e) AS n",
        {"case_id": case_id},
    )
    assert audited == 1
    notices = market.count(
        "MATCH (n:Notice {case_id: $case_id}) RETURN count(n) AS n", {"case_id": case_id}
    )
    assert notices == 1
