"""Flag page, "Decide and next" (issue 13): record the decision, then claim and open the
strongest open flag nobody has, so a run of decisions needs no trip back to the queue."""

from __future__ import annotations

import httpx

from tests.integration.dashboard.conftest import Explorer, texts

NEXT = "FormSubmitter:sd_decision-Decide and next"


def test_decide_and_next_records_the_decision_and_opens_the_next_unassigned_flag(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    viewer = {"X-API-Key": keys["viewer"]}
    open_unassigned = httpx.get(
        f"{api_url}/flags",
        params={"status": "open", "unassigned": True, "sort": "score_desc", "limit": 5},
        headers=viewer,
    ).json()["data"]
    assert len(open_unassigned) >= 2
    first = open_unassigned[0]["flag_id"]
    expected = open_unassigned[1]["flag_id"]

    app = explorer("flag", flag_id=first)
    app.radio[0].set_value("Dismiss")
    app.text_area[0].input("A friend of the seller, documents checked.")
    app.button(key=NEXT).click().run()
    assert not app.exception
    decided = httpx.get(f"{api_url}/flags/{first}", headers=viewer).json()
    assert decided["status"] == "dismissed"
    assert app.text_input(key="sd_flag_id").value == expected
    assert app.query_params.get("flag_id") == expected
    said = texts(app)
    assert f"Recorded: dismissed ({first})" in said and f"Next: {expected}" in said
    assert "Assignee: test investigator" in said
    claimed = httpx.get(f"{api_url}/flags/{expected}", headers=viewer).json()
    assert claimed["assignee"] == "test investigator"


def test_decide_and_next_needs_a_note_and_stays_on_the_flag(explorer: Explorer) -> None:
    app = explorer("flag", flag_id="pair:b3:s2")
    app.radio[0].set_value("Unsure")
    app.button(key=NEXT).click().run()
    assert "Write a note" in texts(app)
    assert app.text_input(key="sd_flag_id").value == "pair:b3:s2"


def test_a_decided_flag_keeps_both_buttons_disabled(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    httpx.post(
        f"{api_url}/flags/seller:s2/decision",
        json={"decision": "unsure", "note": "need the orders first"},
        headers={"X-API-Key": keys["investigator"]},
    ).raise_for_status()
    app = explorer("flag", flag_id="seller:s2")
    assert app.button(key=NEXT).disabled
    assert app.button(key="FormSubmitter:sd_decision-Record decision").disabled
    assert any(b.label == "Re-open" for b in app.button)
    viewer = explorer("flag", flag_id="pair:b3:s2", role="viewer")
    assert viewer.button(key=NEXT).disabled
