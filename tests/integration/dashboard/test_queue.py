"""The queue page over the real API: listing, filters, claiming, bulk assignment, next unassigned."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.dashboard.conftest import Explorer, texts


def queue_rows(app: Any) -> list[dict[str, Any]]:
    if not app.dataframe:
        return []
    return app.dataframe[0].value.to_dict("records")


def flag(api_url: str, key: str, flag_id: str) -> dict[str, Any]:
    response = httpx.get(f"{api_url}/flags/{flag_id}", headers={"X-API-Key": key})
    return response.json()


def test_the_queue_lists_open_flags_with_score_kind_age_assignee_and_reason(
    explorer: Explorer,
) -> None:
    app = explorer("queue")
    assert not app.exception
    rows = queue_rows(app)
    flags = [r["flag"].split("flag_id=")[1] for r in rows]
    assert "pair:b2:s2" in flags and "seller:s2" in flags
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert {r["status"] for r in rows} == {"open"}
    pair = rows[flags.index("pair:b2:s2")]
    assert pair["kind"] == "pair" and pair["top reason"] and pair["age (days)"] is not None
    assert "flags match" in texts(app)


def test_filters_narrow_the_queue(explorer: Explorer) -> None:
    app = explorer("queue")
    app.selectbox(key="kind").set_value("seller").run()
    rows = queue_rows(app)
    assert rows and {r["kind"] for r in rows} == {"seller"}
    app.slider(key="score").set_value((0.99, 1.0)).run()
    high = queue_rows(app)
    assert all(r["score"] >= 0.99 for r in high)
    assert high or "No flag matches" in texts(app)
    app.selectbox(key="sort").set_value("score, lowest first").run()
    assert not app.exception


def test_bulk_assign_and_claim_ask_for_confirmation_then_go_through_the_api(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    app = explorer("queue")
    picker = app.multiselect(key="sd_q_pick")
    assert picker.proto.select_all == 0, "no 'Select all' / 'Select N matches' offer"
    picker.set_value(["pair:b2:s2", "seller:s2"]).run()
    app.text_input(key="sd_q_assignee").set_value("bruno").run()
    app.button(key="sd_q_assign").click().run()
    assert "Assign 2 flags to bruno?" in texts(app)
    assert flag(api_url, keys["investigator"], "seller:s2")["assignee"] is None
    app.button(key="sd_q_yes").click().run()
    assert "2 flags assigned to bruno" in texts(app)
    assert flag(api_url, keys["investigator"], "seller:s2")["assignee"] == "bruno"

    app.button(key="sd_q_undo").click().run()
    assert flag(api_url, keys["investigator"], "seller:s2")["assignee"] is None

    app.multiselect(key="sd_q_pick").set_value(["pair:b2:s2"]).run()
    app.button(key="sd_q_claim").click().run()
    assert "Claim 1 flag as test investigator?" in texts(app)
    app.button(key="sd_q_no").click().run()
    assert flag(api_url, keys["investigator"], "pair:b2:s2")["assignee"] is None
    app.button(key="sd_q_claim").click().run()
    app.button(key="sd_q_yes").click().run()
    assert "1 flag assigned to test investigator" in texts(app)
    assert flag(api_url, keys["investigator"], "pair:b2:s2")["assignee"] == "test investigator"
    rows = {r["flag"].split("flag_id=")[1]: r for r in queue_rows(app)}
    assert rows["pair:b2:s2"]["assignee"] == "test investigator"

    app.selectbox(key="who").set_value("unassigned").run()
    assert "pair:b2:s2" not in {r["flag"].split("flag_id=")[1] for r in queue_rows(app)}
    app.selectbox(key="who").set_value("me").run()
    assert {r["flag"].split("flag_id=")[1] for r in queue_rows(app)} == {"pair:b2:s2"}


def test_rows_name_the_accounts_date_the_evidence_and_expand_the_reasons(
    explorer: Explorer,
) -> None:
    app = explorer("queue")
    rows = {r["flag"].split("flag_id=")[1]: r for r in queue_rows(app)}
    pair = rows["pair:b2:s2"]
    assert pair["seller"] == "Hartley Watches" and pair["buyer"] == "Tom Baker"
    assert str(pair["last evidence"]).startswith("2024-02-03")
    app.selectbox(key="sd_q_open").set_value(
        "cluster:" + next(f.split(":", 1)[1] for f in rows if f.startswith("cluster:"))
    ).run()
    reasons = [m.value for m in app.markdown if m.value.startswith("- ")]
    assert len(reasons) >= 2 and all(len(r) > 20 for r in reasons)


def test_filters_and_page_live_in_the_url_with_a_visible_row_count(explorer: Explorer) -> None:
    app = explorer("queue", kind="seller")
    assert app.selectbox(key="kind").value == "seller"
    rows = queue_rows(app)
    assert rows and {r["kind"] for r in rows} == {"seller"}

    app = explorer("queue", size="5", page="2")
    said = texts(app)
    assert "6 flags match; showing 6-6 (page 2 of 2)" in said, said
    assert len(queue_rows(app)) == 1
    app.button(key="sd_q_prev").click().run()
    assert "showing 1-5 (page 1 of 2)" in texts(app)
    assert len(queue_rows(app)) == 5


def test_next_unassigned_claims_the_strongest_open_flag_and_opens_it(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    headers = {"X-API-Key": keys["investigator"]}
    top = httpx.get(
        f"{api_url}/flags",
        params={"status": "open", "unassigned": True, "limit": 1},
        headers=headers,
    ).json()["data"][0]["flag_id"]
    app = explorer("queue")
    app.button(key="sd_q_next").click().run()
    assert app.query_params.get("flag_id") == top
    assert "Flag / case" in texts(app)
    assert flag(api_url, keys["investigator"], top)["assignee"] == "test investigator"


def test_the_queue_shows_and_sorts_by_money_at_risk_and_recent_conduct(explorer: Explorer) -> None:
    app = explorer("queue")
    app.selectbox(key="sort").set_value("money at risk, highest first").run()
    assert not app.exception
    rows = queue_rows(app)
    flags = [r["flag"].split("flag_id=")[1] for r in rows]
    at_risk = [r["at risk"] for r in rows]
    assert at_risk == sorted(at_risk, reverse=True) and at_risk[0] > 0
    # The Submariner the pair discussed after swapping numbers: 15% of 14,200 GBP.
    pair = rows[flags.index("pair:b2:s2")]
    assert (pair["at risk"], pair["currency"]) == (2130.0, "GBP")
    # The conduct is two years old though the flag is new.
    assert pair["evidence age (days)"] > 300 > pair["age (days)"]
    app.selectbox(key="sort").set_value("latest evidence first").run()
    ages = [r["evidence age (days)"] for r in queue_rows(app)]
    assert ages == sorted(ages)
