"""The explorer in a real headless Chromium: from the queue to a flag, a highlighted phone number,
a confirmation with a note, and the case it opens. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import ARTIFACTS


def test_from_the_queue_to_a_confirmed_case(page: Any, explorer_url: str) -> None:
    page.goto(explorer_url + "/")
    page.get_by_text("flags match").wait_for()
    page.locator('[data-testid="stDataFrame"]').wait_for()
    page.get_by_text("Open a flag").wait_for()
    page.screenshot(path=ARTIFACTS / "explorer-1-queue.png", full_page=True)

    page.get_by_role("combobox", name="Flag", exact=True).click()
    page.keyboard.type("pair:b2:s2")
    page.get_by_role("option").filter(has_text=re.compile(r"^pair:b2:s2 ·")).first.click()
    page.get_by_role("button", name="Open flag").click()

    phone = page.locator('mark[data-kind="phone"]').first
    phone.wait_for()
    assert phone.inner_text() == "07911 234567"
    assert "flag_id=pair%3Ab2%3As2" in page.url or "flag_id=pair:b2:s2" in page.url
    page.locator('mark[data-kind="email"]').first.wait_for()
    phone.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "explorer-2-flag.png", full_page=True)

    page.get_by_text("Confirm", exact=True).click()
    page.get_by_label("Note (required)").first.fill("Seller sent a phone number to deal outside.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Recorded: confirmed").wait_for()
    page.get_by_text(re.compile(r"^Case case-\w+ · open")).wait_for()
    page.get_by_text("Strike history").wait_for()
    page.get_by_text("Next notice on the ladder: warning").wait_for()
    page.get_by_text("Strike history").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "explorer-3-case.png", full_page=True)


def test_the_network_draws_offline_and_shows_a_clicked_node(page: Any, explorer_url: str) -> None:
    page.goto(explorer_url + "/network?seller=s2&depth=2")
    page.get_by_text(re.compile(r"^\d+ nodes, \d+ edges")).wait_for()
    frame = page.locator("iframe").first.element_handle().content_frame()
    frame.locator("body[data-stabilized='1']").wait_for(state="attached")
    where = frame.evaluate("network.canvasToDOM(network.getPosition('buyer:b2'))")
    frame.locator("#graph").click(position={"x": where["x"], "y": where["y"]})
    frame.locator("#details").filter(has_text="Tom Baker").wait_for()
    page.screenshot(path=ARTIFACTS / "explorer-4-network.png", full_page=True)
