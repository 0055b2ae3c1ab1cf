"""Issue 11, item 2: an ``Idempotency-Key`` makes concurrent retries safe.

Twenty requests with one key, at the same moment, against the app served by uvicorn (threads,
real HTTP) and the real Neo4j: all answer the same object (one 201, then 200 replays), never a
409 with a Neo4j message. The same key with another body is 422 naming the key. Notices, which
are keyed by case and step, follow the same rules.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from sidedeal.graph.store import Store
from sidedeal.settings import Settings
from tests.integration.dashboard.conftest import ApiServer

Headers = dict[str, dict[str, str]]
CALLERS = 20


@pytest.fixture(scope="module")
def api_url(market: Store, settings: Settings) -> Iterator[str]:
    server = ApiServer(settings, market)
    yield server.url
    server.close()


def confirmed_case(api_url: str, headers: dict[str, str], flag_id: str) -> str:
    answer = httpx.post(
        f"{api_url}/flags/{flag_id}/decision",
        json={"decision": "confirmed", "note": "contact details swapped, then silence"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["case_ids"][0])


def at_once(url: str, headers: dict[str, str], body: dict[str, Any] | None) -> list[httpx.Response]:
    """``CALLERS`` POSTs released together by a barrier, each on its own connection."""
    start = threading.Barrier(CALLERS)

    def post(_: int) -> httpx.Response:
        with httpx.Client(timeout=60) as http:
            start.wait()
            return http.post(url, json=body, headers=headers)

    with ThreadPoolExecutor(CALLERS) as pool:
        return list(pool.map(post, range(CALLERS)))


def one_object(answers: list[httpx.Response], id_field: str) -> str:
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {200, 201}, [(a.status_code, a.text) for a in answers]
    assert statuses.count(201) == 1 or statuses.count(201) == CALLERS, statuses
    ids = {a.json()[id_field] for a in answers}
    assert len(ids) == 1, ids
    return ids.pop()


def test_twenty_concurrent_posts_with_one_key_record_one_recovery_order(
    api_url: str, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    case_id = confirmed_case(api_url, investigator, "seller:s1")
    body = {"amount": 12500, "currency": "EUR", "buyer_id": "b1", "note": "sold outside"}
    headers = {**investigator, "Idempotency-Key": "sale-commode-2024-03"}
    answers = at_once(f"{api_url}/cases/{case_id}/recovery-orders", headers, body)
    order_id = one_object(answers, "recovery_order_id")
    stored = market.count(
        "MATCH (r:RecoveryOrder {case_id: $case_id}) RETURN count(r) AS n", {"case_id": case_id}
    )
    audited = market.count(
        "MATCH (e:AuditEvent {action: 'recovery.create'}) WHERE $id IN e.objects "
        "RETURN count(e) AS n",
        {"id": order_id},
    )
    assert (stored, audited) == (1, 1)

    # A retry later replays it; the same key on another sale is refused, naming the key.
    replay = httpx.post(f"{api_url}/cases/{case_id}/recovery-orders", json=body, headers=headers)
    assert replay.status_code == 200 and replay.json()["recovery_order_id"] == order_id
    for change in ({"amount": 99}, {"note": "another sale"}, {"buyer_id": "b2"}):
        other = httpx.post(
            f"{api_url}/cases/{case_id}/recovery-orders", json={**body, **change}, headers=headers
        )
        assert other.status_code == 422, other.text
        assert "sale-commode-2024-03" in other.json()["message"], other.text
    elsewhere = confirmed_case(api_url, investigator, "seller:s2")
    moved = httpx.post(f"{api_url}/cases/{elsewhere}/recovery-orders", json=body, headers=headers)
    assert moved.status_code == 422 and "sale-commode-2024-03" in moved.json()["message"]


def test_twenty_concurrent_posts_without_a_key_record_one_order_for_one_sale(
    api_url: str, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    case_id = confirmed_case(api_url, investigator, "pair:b3:s2")
    body = {"amount": 800, "currency": "GBP", "buyer_id": "b3", "note": "watch sold by transfer"}
    answers = at_once(f"{api_url}/cases/{case_id}/recovery-orders", investigator, body)
    order_id = one_object(answers, "recovery_order_id")
    assert (
        market.count(
            "MATCH (r:RecoveryOrder {case_id: $case_id, amount: 800.0}) RETURN count(r) AS n",
            {"case_id": case_id},
        )
        == 1
    ), order_id


def test_twenty_concurrent_notice_requests_issue_one_notice(
    api_url: str, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    case_id = confirmed_case(api_url, investigator, "pair:b2:s2")
    headers = {**investigator, "Idempotency-Key": f"notice-{case_id}"}
    answers = at_once(f"{api_url}/cases/{case_id}/notices", headers, None)
    notice_id = one_object(answers, "notice_id")
    assert (
        market.count(
            "MATCH (n:Notice {case_id: $case_id}) RETURN count(n) AS n", {"case_id": case_id}
        )
        == 1
    ), notice_id
    other_case = confirmed_case(api_url, investigator, "seller:s3")
    reused = httpx.post(f"{api_url}/cases/{other_case}/notices", headers=headers)
    assert reused.status_code == 422 and f"notice-{case_id}" in reused.json()["message"]
