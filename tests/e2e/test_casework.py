"""The casework pages in Chromium (issue 13, item 10 and "decide and next"): the cases list, a
case's timeline with a comment added, the audit trail, the allow-list, and a run of decisions from
the flag page. Screenshots go to test-artifacts/ (explorer-9*.png)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.e2e.test_explorer import shot


def a_case(api_url: str, keys: dict[str, str]) -> str:
    """A case on s2 (pair:b2:s2 confirmed), made here when no earlier test made one."""
    headers = {"X-API-Key": keys["investigator"]}
    found = httpx.get(f"{api_url}/cases", params={"seller_id": "s2"}, headers=headers).json()
    if found["data"]:
        return str(found["data"][0]["case_id"])
    decided = httpx.post(
        f"{api_url}/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "the number, then silence"},
        headers=headers,
    )
    decided.raise_for_status()
    return str(decided.json()["case_ids"][0])


def test_cases_then_a_case_with_its_timeline_and_a_comment(
    page: Any, explorer_url: str, api_url: str, keys: dict[str, str]
) -> None:
    case_id = a_case(api_url, keys)
    page.goto(explorer_url + "/cases?status=open")
    page.get_by_text(re.compile(r"\d+ (case matches|cases match)")).wait_for()
    page.locator('[data-testid="stDataFrame"]').wait_for()
    shot(page, "9a-cases")

    page.goto(explorer_url + f"/case?case_id={case_id}")
    page.get_by_text("Timeline").wait_for()
    page.get_by_role("link", name=re.compile(r"Seller Hartley Watches")).wait_for()
    page.get_by_label("Add a comment").fill("Called the seller: says the buyer is a friend.")
    page.get_by_role("button", name="Add comment").click()
    page.get_by_text("Comment added.").wait_for()
    page.get_by_text("Called the seller: says the buyer is a friend.").first.wait_for()
    shot(page, "9b-case")

    page.get_by_role("button", name="Issue the warning", exact=True).click()
    page.get_by_text(re.compile(r"Notice notice-\w+ issued \(warning\)")).wait_for()
    page.goto(explorer_url + "/notices?seller=s2")
    page.get_by_text("1 notice, newest first").wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    shot(page, "9f-notices")


def test_the_audit_trail_and_the_allow_list(
    page: Any, explorer_url: str, api_url: str, keys: dict[str, str]
) -> None:
    a_case(api_url, keys)
    page.goto(explorer_url + "/audit")
    page.get_by_text(re.compile(r"\d+ (event matches|events match)")).wait_for()
    page.locator('[data-testid="stDataFrame"]').wait_for()
    shot(page, "9c-audit")

    httpx.put(
        f"{api_url}/pairs/b3/s2/allow-list",
        json={
            "mode": "snooze",
            "reason": "waiting for the buyer's documents",
            "expires_at": "2099-01-01T00:00:00Z",
        },
        headers={"X-API-Key": keys["investigator"]},
    ).raise_for_status()
    page.goto(explorer_url + "/allow-list")
    page.get_by_text(re.compile(r"\d+ entr(y|ies), soonest expiry first")).wait_for()
    page.locator('[data-testid="stDataFrame"]').wait_for()
    shot(page, "9d-allow-list")


def test_decide_and_next_opens_the_next_flag(
    page: Any, explorer_url: str, api_url: str, keys: dict[str, str]
) -> None:
    viewer = {"X-API-Key": keys["viewer"]}
    listed = httpx.get(
        f"{api_url}/flags",
        params={"status": "open", "unassigned": True, "sort": "score_desc", "limit": 2},
        headers=viewer,
    ).json()["data"]
    assert len(listed) == 2, listed
    first, expected = listed[0]["flag_id"], listed[1]["flag_id"]
    page.goto(explorer_url + f"/flag?flag_id={first}")
    page.get_by_role("button", name="Decide and next").wait_for()
    page.get_by_text("Unsure", exact=True).click()
    page.get_by_label("Note (required)").first.fill("Need the seller's order history first.")
    page.get_by_role("button", name="Decide and next").click()
    note = page.get_by_text(f"Next: {expected}, claimed for you.")
    note.wait_for()
    assert page.get_by_label("Flag id").input_value() == expected
    note.scroll_into_view_if_needed()
    shot(page, "9e-decide-and-next")
