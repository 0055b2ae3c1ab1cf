"""Issue 11, item 1, in the explorer: a decided flag's decision form is disabled, and only an
investigator is offered "Re-open" (with a note), which puts the flag back in the queue."""

from __future__ import annotations

import httpx

from tests.integration.dashboard.conftest import Explorer, texts

SUBMIT = "FormSubmitter:sd_decision-Record decision"


def test_a_decided_flag_can_only_be_reopened_and_only_by_an_investigator(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    investigator = {"X-API-Key": keys["investigator"]}
    confirmed = httpx.post(
        f"{api_url}/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "phone swapped, then silence"},
        headers=investigator,
    )
    assert confirmed.status_code == 200, confirmed.text

    viewer = explorer("flag", role="viewer", flag_id="pair:b2:s2")
    assert not viewer.exception
    assert not [b for b in viewer.button if b.label == "Re-open"]

    app = explorer("flag", flag_id="pair:b2:s2")
    assert not app.exception
    assert app.button(key=SUBMIT).disabled and app.radio[0].disabled
    reopen = next(b for b in app.button if b.label == "Re-open")
    note = next(t for t in app.text_input if t.label == "Why re-open (required)")
    note.input("The buyer says the number was a courier's.")
    reopen.click().run()
    assert "Re-opened: open" in texts(app), texts(app)
    flag = httpx.get(f"{api_url}/flags/pair:b2:s2", headers=investigator).json()
    assert flag["status"] == "open"
    assert not app.button(key=SUBMIT).disabled
    assert not [b for b in app.button if b.label == "Re-open"]
