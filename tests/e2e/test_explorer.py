"""The explorer in a real headless Chromium, walked as an investigator would: the queue (filters in
the URL, a bulk claim that asks first), a pair flag read evidence first, a confirmation with a
note, the case and its notice preview, a seller flag and a cluster flag that lead on, the network,
and two searches in a row. Screenshots of every page go to test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.e2e.conftest import ARTIFACTS


def shot(page: Any, name: str) -> None:
    page.wait_for_timeout(1000)  # let Streamlit finish painting the last rerun
    page.screenshot(path=ARTIFACTS / f"explorer-{name}.png", full_page=True)


def test_the_queue_names_who_acts_keeps_filters_in_the_url_and_asks_before_bulk(
    page: Any, explorer_url: str
) -> None:
    page.goto(explorer_url + "/")
    page.get_by_text("flags match").wait_for()
    page.locator('[data-testid="stDataFrame"]').wait_for()
    page.get_by_text("Signed in as").wait_for()
    assert "test investigator" in page.locator('[data-testid="stSidebar"]').inner_text()
    shot(page, "1-queue")

    page.get_by_role("combobox", name="Flags", exact=True).click()
    page.keyboard.type("seller:")
    options = page.get_by_role("option")
    assert not options.filter(has_text=re.compile(r"^Select (all|\d+ matches)")).count()
    options.filter(has_text=re.compile(r"^seller:s2")).first.click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Claim", exact=True).click()
    page.get_by_text("Claim 1 flag as test investigator?").wait_for()
    shot(page, "1b-queue-confirm")
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("Claim 1 flag as test investigator?").wait_for(state="detached")

    page.goto(explorer_url + "/?kind=seller")
    page.get_by_text("flags match").wait_for()
    page.get_by_text("4 flags match").or_(page.get_by_text("3 flags match")).wait_for()
    assert "kind=seller" in page.url


def test_from_the_queue_to_a_confirmed_case(page: Any, explorer_url: str) -> None:
    page.goto(explorer_url + "/")
    page.get_by_text("Read and open a flag").wait_for()
    page.get_by_role("combobox", name="Flag", exact=True).click()
    page.keyboard.type("pair:b2:s2")
    page.get_by_role("option").filter(has_text=re.compile(r"^pair:b2:s2 ·")).first.click()
    page.get_by_role("button", name="Open flag").click()

    phone = page.locator('mark[data-kind="phone"]').first
    phone.wait_for()
    assert phone.inner_text() == "07911 234567"
    assert "flag_id=pair%3Ab2%3As2" in page.url or "flag_id=pair:b2:s2" in page.url
    assert page.locator("#msg-m3").count() == 1
    page.locator('a[href="#msg-m3"]').first.wait_for()
    shot(page, "2-flag")

    page.get_by_text("Confirm", exact=True).click()
    page.get_by_label("Note (required)").first.fill("Seller sent a phone number to deal outside.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Recorded: confirmed").wait_for()
    page.get_by_text(re.compile(r"^Case case-\w+ · open")).wait_for()
    page.get_by_text("Next notice on the ladder: warning").wait_for()
    page.get_by_role("button", name="Issue the warning", exact=True).wait_for()
    preview = page.locator('[data-testid="stCode"]').first.inner_text()
    assert "you wrote to a buyer" in preview and "+0." not in preview and "m3" not in preview
    page.get_by_text("Strike history").scroll_into_view_if_needed()
    shot(page, "3-case")


def test_seller_and_cluster_flags_lead_on(
    page: Any, explorer_url: str, api_url: str, keys: dict[str, str]
) -> None:
    page.goto(explorer_url + "/flag?flag_id=seller:s2")
    page.get_by_text("Evidence, and where to read it").wait_for()
    page.get_by_text(re.compile("on the marketplace since")).wait_for()
    shot(page, "4-seller-flag")
    page.get_by_role("link", name=re.compile(r"Pair flag pair:b3:s2")).click()
    page.locator("#msg-m6").wait_for()
    page.wait_for_url(re.compile(r"flag_id=pair(%3A|:)b3(%3A|:)s2"), timeout=5000)

    clusters = httpx.get(
        f"{api_url}/flags", params={"kind": "cluster"}, headers={"X-API-Key": keys["viewer"]}
    ).json()["data"]
    page.goto(explorer_url + f"/flag?flag_id={clusters[0]['flag_id']}")
    page.get_by_text(re.compile(r"^Members: \d+ sellers")).wait_for()
    page.get_by_role("link", name=re.compile("Lena Vos")).wait_for()
    shot(page, "5-cluster-flag")


def test_the_network_draws_offline_and_shows_a_clicked_node(page: Any, explorer_url: str) -> None:
    page.goto(explorer_url + "/network?seller=s2&depth=2")
    page.get_by_text(re.compile(r"^\d+ nodes, \d+ edges")).wait_for()
    frame = page.locator("iframe").first.element_handle().content_frame()
    frame.locator("body[data-stabilized='1']").wait_for(state="attached")
    where = frame.evaluate("network.canvasToDOM(network.getPosition('buyer:b2'))")
    frame.locator("#graph").click(position={"x": where["x"], "y": where["y"]})
    frame.locator("#details").filter(has_text="Tom Baker").wait_for()
    shot(page, "6-network")


def test_two_searches_in_a_row_each_show_their_own_results(page: Any, explorer_url: str) -> None:
    page.goto(explorer_url + "/search")
    box = page.get_by_label("Id, name, email, phone, handle, IBAN...")
    box.fill("hartley")
    page.get_by_test_id("stBaseButton-primaryFormSubmit").click()
    page.get_by_text("Searched as:").wait_for()
    page.wait_for_url(re.compile(r"q=hartley"))
    for query, expected in (("b3", "Lena Vos"), ("tom", "Tom Baker"), ("hartley", "Hartley")):
        box.fill(query)
        page.get_by_test_id("stBaseButton-primaryFormSubmit").click()
        page.wait_for_url(re.compile(rf"q={query}(&|$)"))
        page.get_by_text(re.compile(rf"^{expected}[^·]* · ")).wait_for()
        assert box.input_value() == query, (query, box.input_value())
    shot(page, "7-search")


def big_network(accounts: int = 320) -> dict[str, Any]:
    """A seller with many buyers, identifiers and flags: the size at which colours used to lie."""
    nodes: list[dict[str, Any]] = [
        {"id": "seller:s1", "type": "seller", "label": "s1", "depth": 0, "properties": {}}
    ]
    edges: list[dict[str, Any]] = []
    statuses = ["open", "unsure", "confirmed", "dismissed", "cleared"]
    for n in range(accounts):
        buyer = f"buyer:b{n}"
        nodes.append({"id": buyer, "type": "buyer", "label": f"b{n}", "depth": 1, "properties": {}})
        edges.append({"source": buyer, "target": "seller:s1", "type": "pair", "properties": {}})
        if n % 3 == 0:
            ident = f"phone:+4479110{n:05d}"
            nodes.append(
                {"id": ident, "type": "identifier", "label": ident, "depth": 1, "properties": {}}
            )
            edges.append({"source": buyer, "target": ident, "type": "holds", "properties": {}})
        if n % 4 == 0:
            flag = f"flag:pair:b{n}:s1"
            status = statuses[n % len(statuses)]
            nodes.append(
                {
                    "id": flag,
                    "type": "flag",
                    "label": flag,
                    "depth": 1,
                    "properties": {"status": status, "flag_id": flag[5:]},
                }
            )
            edges.append({"source": flag, "target": buyer, "type": "concerns", "properties": {}})
    return {"center": "seller:s1", "nodes": nodes, "edges": edges, "truncated": False}


def test_network_colours_match_the_legend_at_any_size(page: Any) -> None:
    from sidedeal.dashboard import graph

    network = big_network()
    assert len(network["nodes"]) > 300
    page.set_content(graph.network_html(network))
    page.locator("body[data-stabilized='1']").wait_for(state="attached")
    drawn = page.evaluate(
        "Object.values(network.body.nodes).filter(n => n.options.details)"
        ".map(n => [n.options.details.type, n.options.details.status || null,"
        " n.options.color.background])"
    )
    assert len(drawn) == len(network["nodes"])
    for kind, status, colour in drawn:
        expected = graph.FLAG_COLOURS[status] if kind == "flag" else graph.ROLE_COLOURS[kind]
        assert colour.lower() == expected.lower(), (kind, status, colour)
    first = page.evaluate("JSON.stringify(network.getPositions(['buyer:b1', 'buyer:b2']))")
    page.wait_for_timeout(500)
    page.screenshot(path=ARTIFACTS / "explorer-8-network-320.png")
    other = page.context.new_page()
    other.set_content(graph.network_html(network))
    other.locator("body[data-stabilized='1']").wait_for(state="attached")
    again = other.evaluate("JSON.stringify(network.getPositions(['buyer:b1', 'buyer:b2']))")
    assert first == again, "the same network is laid out the same way on every load"


def test_a_big_network_keeps_the_labels_that_matter_readable(page: Any) -> None:
    from sidedeal.dashboard import graph

    network = big_network()
    page.set_content(graph.network_html(network))
    page.locator("body[data-stabilized='1']").wait_for(state="attached")
    shown = page.evaluate(
        "Object.values(network.body.nodes).filter(n => n.options.details && n.labelModule.visible()"
        " && n.options.label).map(n => n.id)"
    )
    flags = [n["id"] for n in network["nodes"] if n["type"] == "flag"]
    assert "seller:s1" in shown and set(flags) <= set(shown), len(shown)
    assert "buyer:b1" not in shown, "an unflagged buyer stays a dot (its name on hover and click)"
