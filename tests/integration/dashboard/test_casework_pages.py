"""The casework pages (issue 13, item 10): cases, a case's timeline with comments, the audit
trail and the allow-list, over the real API."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.dashboard.conftest import Explorer, texts


@pytest.fixture(scope="module")
def case_id(api_url: str, keys: dict[str, str]) -> str:
    """pair:b2:s2 confirmed (a case on s2), assigned to "ana", with one comment."""
    investigator = {"X-API-Key": keys["investigator"]}
    httpx.post(
        f"{api_url}/flags/assign",
        json={"flag_ids": ["pair:b2:s2"], "assignee": "ana"},
        headers=investigator,
    ).raise_for_status()
    decided = httpx.post(
        f"{api_url}/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "the number, then silence"},
        headers=investigator,
    )
    decided.raise_for_status()
    found = str(decided.json()["case_ids"][0])
    httpx.post(
        f"{api_url}/cases/{found}/comments",
        json={"body": "called him on 07700 900456, no answer"},
        headers=investigator,
    ).raise_for_status()
    return found


def test_cases_list_links_each_case_and_keeps_its_filters_in_the_url(
    explorer: Explorer, case_id: str
) -> None:
    app = explorer("cases")
    assert not app.exception
    table = app.dataframe[0].value
    row = table[table["case"] == f"case?case_id={case_id}"].iloc[0]
    assert row["seller"] == "Hartley Watches (s2)" and row["assignees"] == "ana"
    assert row["notice sent"] == "none yet" and row["network"] == "network?seller=s2"
    app = explorer("cases", assignee="bob")
    assert "No case matches" in texts(app)
    app = explorer("cases", assignee="ana", step="none", status="open")
    assert list(app.dataframe[0].value["case"]) == [f"case?case_id={case_id}"]
    app.selectbox[0].select("closed").run()
    assert app.query_params.get("status") == "closed"
    assert "No case matches" in texts(app)


def test_a_case_shows_its_story_on_one_timeline_and_takes_comments(
    explorer: Explorer, case_id: str
) -> None:
    app = explorer("case", case_id=case_id)
    assert not app.exception
    said = texts(app)
    assert f"{case_id} · Hartley Watches" in said and "No comments yet" not in said
    timeline = app.dataframe[0].value
    whats = list(timeline["what"])
    assert whats[0] == "case opened" and "flag confirmed" in whats and "comment" in whats
    assert "strike" in whats
    decided = timeline[timeline["what"] == "flag confirmed"].iloc[0]
    assert decided["who"] == "test investigator"  # the key's name, not its id
    assert "the number, then silence" in decided["detail"]
    links = [str(link.proto.page) for link in app.get("page_link")]
    labels = [link.proto.label for link in app.get("page_link")]
    assert any("pair:b2:s2" in label for label in labels), labels
    assert any("Hartley Watches" in label for label in labels) and links

    box = next(t for t in app.text_area if t.label == "Add a comment")
    box.input("seller says the buyer was a friend")
    next(b for b in app.button if b.label == "Add comment").click().run()
    assert "Comment added." in texts(app)
    assert "seller says the buyer was a friend" in list(app.dataframe[0].value["detail"])


def test_viewers_read_comments_masked_and_cannot_add_any(explorer: Explorer, case_id: str) -> None:
    app = explorer("case", case_id=case_id, role="viewer")
    assert not app.exception
    details = " ".join(app.dataframe[0].value["detail"])
    assert "called him on" in details and "900456" not in details
    assert not [t for t in app.text_area if t.label == "Add a comment"]


def test_the_audit_trail_filters_by_action_and_pages(explorer: Explorer, case_id: str) -> None:
    app = explorer("audit", action="case.comment")
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table["action"]) == {"case.comment"} and case_id in " ".join(table["objects"])
    assert set(table["who"]) == {"test investigator"}
    app = explorer("audit", object=case_id)
    shown = set(app.dataframe[0].value["action"])
    assert "case.comment" in shown and not any(a.endswith(".read") for a in shown)
    app.toggle(key="changes").set_value(False).run()
    assert "case.read" in set(app.dataframe[0].value["action"])
    app = explorer("audit", changes="false")
    app.selectbox(key="size").select(25).run()
    assert app.query_params.get("size") == "25"
    assert len(app.dataframe[0].value) == 25 and "(page 1 of 2)" in texts(app)
    newest = app.dataframe[0].value.iloc[0]["when"]
    next(b for b in app.button if b.label == "Next").click().run()
    assert "(page 2 of 2)" in texts(app) and app.dataframe[0].value.iloc[0]["when"] <= newest
    mine = explorer("audit", actor="test investigator")
    assert set(mine.dataframe[0].value["who"]) == {"test investigator"}
    app = explorer("audit", action="no.such.action")
    assert "No audit event matches" in texts(app)
    viewer = explorer("audit", role="viewer")
    assert "for investigators and admins" in texts(viewer) and not viewer.dataframe


def test_the_allow_list_shows_reasons_and_expiry_and_lifts_an_entry(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    snoozed = httpx.put(
        f"{api_url}/pairs/b3/s2/allow-list",
        json={
            "mode": "snooze",
            "reason": "waiting for documents",
            "expires_at": "2099-01-01T00:00:00Z",
        },
        headers={"X-API-Key": keys["investigator"]},
    )
    snoozed.raise_for_status()
    viewer = explorer("allow-list", role="viewer")
    row = viewer.dataframe[0].value.iloc[0]
    assert row["flag"] == "flag?flag_id=pair:b3:s2" and row["mode"] == "snooze"
    assert row["reason"] == "waiting for documents" and row["expires"] == "2099-01-01"
    assert row["by"] != "test investigator"  # a viewer may not read the trail: the key id
    app = explorer("allow-list")
    assert app.dataframe[0].value.iloc[0]["by"] == "test investigator"
    assert not [b for b in viewer.button if b.label == "Lift"]

    app = explorer("allow-list")
    lift = next(b for b in app.button if b.label == "Lift")
    assert lift.disabled  # nothing lifted without the "yes"
    app.checkbox(key="sd_allow_confirm").check().run()
    next(b for b in app.button if b.label == "Lift").click().run()
    assert "Lifted: pair:b3:s2 is back in the queue." in texts(app)
    assert "No pair is allow-listed or snoozed" in texts(app)


def test_notices_and_recovery_orders_across_cases_link_to_their_case(
    explorer: Explorer, case_id: str, api_url: str, keys: dict[str, str]
) -> None:
    investigator = {"X-API-Key": keys["investigator"]}
    issued = httpx.post(f"{api_url}/cases/{case_id}/notices", headers=investigator)
    assert issued.status_code in (200, 201), issued.text
    httpx.post(
        f"{api_url}/cases/{case_id}/recovery-orders",
        json={"amount": 1000, "currency": "GBP", "note": "paid by transfer to 07700 900456"},
        headers={**investigator, "Idempotency-Key": "notices-page-test"},
    ).raise_for_status()
    app = explorer("notices", seller="s2")
    assert not app.exception
    notices, orders = (frame.value for frame in app.dataframe)
    assert list(notices["case"]) == [f"case?case_id={case_id}"]
    assert list(notices["step"]) == ["warning"] and list(notices["by"]) == ["test investigator"]
    assert list(orders["commission due"]) == [150.0] and list(orders["status"]) == ["open"]
    app = explorer("notices", seller="s2", recovery="paid")
    assert "0 recovery orders" in texts(app) and len(app.dataframe) == 1
    viewer = explorer("notices", seller="s2", role="viewer")
    assert "900456" not in " ".join(viewer.dataframe[1].value["note"])
