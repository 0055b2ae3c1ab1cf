"""The network, search and runs pages over the real API."""

from __future__ import annotations

import json

import httpx

from tests.integration.dashboard.conftest import Explorer, texts


def test_the_network_shows_the_sellers_neighbourhood_and_node_details(explorer: Explorer) -> None:
    app = explorer("network", seller="s2")
    assert not app.exception
    said = texts(app)
    assert "Seller: s2" in said and "nodes" in said and "buyers" in said
    page = app.get("iframe")[0].proto.srcdoc
    assert "vis.Network" in page and '"buyer:b2"' in page and "cdn" not in page.lower()
    labels = app.selectbox[0].options
    assert any("buyer · Tom Baker" in label for label in labels)
    flag = next(label for label in labels if label.startswith("flag · pair:b2:s2"))
    app.selectbox[0].select(flag).run()
    assert "pair:b2:s2" in json.dumps(app.json[0].value)
    assert app.get("download_button"), "the network exports as JSON"


def test_a_cap_on_the_network_says_it_was_truncated(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    full = httpx.get(
        f"{api_url}/sellers/s2/network",
        params={"depth": 3, "limit": 2000},
        headers={"X-API-Key": keys["viewer"]},
    ).json()
    assert len(full["nodes"]) > 10
    app = explorer("network", seller="s2", depth="3")
    app.number_input[0].set_value(10).run()
    assert "Truncated" in texts(app)


def test_depth_follows_the_url_and_the_slider(explorer: Explorer) -> None:
    app = explorer("network", seller="s2", depth="2")
    assert app.slider[0].value == 2
    app.slider[0].set_value(1).run()
    assert "depth" not in app.query_params


def test_search_finds_a_phone_in_any_format(explorer: Explorer) -> None:
    for typed in ("+44 7911 123456", "07911 123456", "0044-7911-123456"):
        app = explorer("search", q=typed)
        said = texts(app)
        assert "phone:+447911123456" in said, (typed, said)
        assert "seller s2 (Hartley Watches)" in said and "buyer b2 (Tom Baker)" in said


def test_search_finds_accounts_by_name_and_id(explorer: Explorer) -> None:
    app = explorer("search", q="hartley")
    frame = app.dataframe[0].value
    assert "s2" in list(frame["id"])
    app = explorer("search", q="b3")
    assert list(app.dataframe[0].value["id"]) == ["b3"]
    assert "Lena Vos" in texts(app)


def test_runs_lists_the_history_and_runs_now(explorer: Explorer) -> None:
    app = explorer("runs")
    before = len(app.dataframe[0].value)
    assert before >= 1 and "completed" in set(app.dataframe[0].value["status"])
    app.button[0].click().run()
    said = texts(app)
    assert "Run run" in said or "still running" in said, said
    assert len(app.dataframe[0].value) == before + 1


def test_signals_show_precision_per_factor_from_decisions(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    decided = httpx.post(
        f"{api_url}/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "the number, then silence"},
        headers={"X-API-Key": keys["investigator"]},
    )
    assert decided.status_code == 200, decided.text
    app = explorer("signals")
    assert not app.exception
    assert "Active weights: v1" in texts(app)
    rows = app.dataframe[0].value.to_dict("records")
    confirmed = [r for r in rows if r["confirmed"]]
    assert confirmed and all(r["precision"] == 1.0 for r in confirmed)
    assert all(r["95% interval"].endswith("1.00") for r in confirmed)
    # Viewers may not read signals: the page says so instead of failing.
    viewer = explorer("signals", role="viewer")
    assert not viewer.exception and "investigator" in texts(viewer)


def test_a_second_search_shows_the_second_querys_results(explorer: Explorer) -> None:
    app = explorer("search")
    app.text_input[0].input("hartley")
    app.button[0].click().run()
    assert "s2" in list(app.dataframe[0].value["id"])
    assert app.query_params.get("q") == "hartley"
    app.text_input[0].input("b3")
    app.button[0].click().run()
    assert app.text_input[0].value == "b3"
    assert list(app.dataframe[0].value["id"]) == ["b3"], texts(app)
    assert app.query_params.get("q") == "b3"
    app.text_input[0].input("lena")
    app.button[0].click().run()
    assert list(app.dataframe[0].value["id"]) == ["b3"] and app.query_params.get("q") == "lena"


def test_the_network_filters_node_kinds(explorer: Explorer) -> None:
    app = explorer("network", seller="s2")
    page = app.get("iframe")[0].proto.srcdoc
    assert '"shape": "diamond"' in page and '"shape": "triangle"' in page
    app.multiselect(key="sd_net_show").set_value(["seller", "buyer", "flag"]).run()
    page = app.get("iframe")[0].proto.srcdoc
    assert '"shape": "diamond"' not in page, "identifiers hidden"
    assert '"shape": "triangle"' in page and '"buyer:b2"' in page
    assert "identifiers, clusters hidden" in texts(app)
