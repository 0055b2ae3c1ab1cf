"""The flag / case page over the real API: factors, highlighted findings, the orders on the
timeline, the decision form, and the case a confirmation opens (strikes, notice, recovery)."""

from __future__ import annotations

import json
from urllib.parse import unquote

import httpx
from streamlit.testing.v1 import AppTest

from tests.integration.dashboard.conftest import Explorer, texts


def test_a_pair_flag_shows_factors_and_the_conversation_with_findings_highlighted(
    explorer: Explorer,
) -> None:
    app = explorer("flag", flag_id="pair:b2:s2")
    assert not app.exception
    said = texts(app)
    assert "Score: 0." in said and "Kind: pair" in said
    assert "Why it scores" in said
    # The pair's figures read as English ("1 conversation", not "1 conversations").
    assert "1 conversation · 2 messages" in said and "1 order worth 14,200" in said
    assert app.get("vega_lite_chart"), "the factors and the timeline are charts"
    bodies = [m.value for m in app.markdown if "sd-message" in m.value]
    assert len(bodies) == 2
    assert 'data-kind="phone"' in bodies[0] and ">07911 234567</mark>" in bodies[0]
    assert 'data-kind="cue"' in bodies[0]
    assert (
        'data-kind="email"' in bodies[1] and "tom.baker [at] outlook [dot] com</mark>" in bodies[1]
    )


def test_the_orders_sit_on_the_same_timeline_as_the_messages(explorer: Explorer) -> None:
    app = explorer("flag", flag_id="pair:b2:s2")
    lines = [m.value for m in app.markdown if "sd-message" in m.value or "**Order" in m.value]
    kinds = ["order" if "**Order" in line else "message" for line in lines]
    assert kinds == ["order", "message", "message"]
    assert "Order o3" in lines[0] and "14200.0 GBP" in lines[0]


def test_a_decision_needs_a_note(explorer: Explorer, api_url: str, keys: dict[str, str]) -> None:
    app = explorer("flag", flag_id="pair:b3:s2")
    app.radio[0].set_value("Dismiss")
    app.button(key="FormSubmitter:sd_decision-Record decision").click().run()
    assert "Write a note" in texts(app)
    flag = httpx.get(f"{api_url}/flags/pair:b3:s2", headers={"X-API-Key": keys["viewer"]}).json()
    assert flag["status"] == "open"


def test_confirming_opens_a_case_with_strikes_a_notice_to_issue_and_recovery(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    app = explorer("flag", flag_id="pair:b2:s2")
    app.radio[0].set_value("Confirm")
    app.text_area[0].input("Seller gave a phone and asked to skip the commission.")
    app.button(key="FormSubmitter:sd_decision-Record decision").click().run()
    said = texts(app)
    assert "Recorded: confirmed" in said, said
    assert "Status: confirmed" in said
    assert "Case case-" in said and "Strike history" in said and "1 active" in said
    assert "Next notice on the ladder: warning" in said
    to_case = [link for link in app.get("page_link") if "timeline" in link.proto.label]
    assert len(to_case) == 1 and to_case[0].proto.page.endswith("case")
    preview = app.code[0].value
    assert "strike 1" in preview
    assert 'you wrote to a buyer: "Call me on ***** ****** and we can do this' in preview
    for internal in ("pair:b2:s2", "+0.", "m3", "fee_avoidance", "cue", "scored"):
        assert internal not in preview, internal
    assert [b.label for b in app.button if b.key == "sd_issue"] == ["Issue the warning"]

    app.button(key="sd_issue").click().run()
    assert "Notice notice-" in texts(app) and "issued (warning)" in texts(app)
    headers = {"X-API-Key": keys["investigator"]}
    notices = httpx.get(f"{api_url}/notices", params={"seller_id": "s2"}, headers=headers).json()
    assert [n["step"] for n in notices["data"]] == ["warning"]
    assert any("Notice issued: Warning" in e.label for e in app.expander)

    app.number_input[-1].set_value(2000.0)
    note = next(t for t in app.text_input if t.label == "Note (required)")
    note.input("Sold the watch by bank transfer")
    submit = next(b for b in app.button if b.label == "Record recovery order")
    submit.click().run()
    said = texts(app)
    assert "commission due 300.00" in said, said
    orders = httpx.get(f"{api_url}/recovery-orders", params={"seller_id": "s2"}, headers=headers)
    assert [o["commission_due"] for o in orders.json()["data"]] == [300.0]


def test_evidence_first_findings_with_context_then_the_whole_thread(explorer: Explorer) -> None:
    app = explorer("flag", flag_id="pair:b3:s2")
    assert not app.exception
    bodies = [m.value for m in app.markdown if "sd-message" in m.value]
    # The message with findings (m6) and the two before it; the small talk before is folded.
    assert len(bodies) == 3, bodies
    assert 'id="msg-m6"' in bodies[-1] and "· m6" in bodies[-1]
    assert "7 messages without findings" in texts(app)
    reasons = " ".join(m.value for m in app.markdown if "[message m6](#msg-m6)" in m.value)
    assert reasons, "reasons link to the message they cite"

    app.toggle(key="sd_thread").set_value(True).run()
    assert len([m for m in app.markdown if "sd-message" in m.value]) == 10


def test_the_timeline_has_years_and_a_today_mark(explorer: Explorer) -> None:
    app = explorer("flag", flag_id="pair:b2:s2")
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    timeline = next(s for s in specs if "lane" in json.dumps(s))
    layers = timeline["layer"]
    assert "%Y" in layers[0]["encoding"]["x"]["axis"]["format"]
    marks = [layer["mark"]["type"] for layer in layers]
    assert marks == ["point", "rule", "text"], "a rule marks today, labelled"


def links(app: AppTest) -> list[tuple[str, str]]:
    """(label, page?query) of every page link on the page."""
    return [
        (link.proto.label, f"{link.proto.page}?{unquote(link.proto.query_string)}")
        for link in app.get("page_link")
    ]


def test_a_seller_flag_shows_the_seller_and_links_each_pair_and_buyer(explorer: Explorer) -> None:
    app = explorer("flag", flag_id="seller:s2")
    assert not app.exception
    said = texts(app)
    assert "Hartley Watches" in said and "GB" in said and "on the marketplace since" in said
    found = links(app)
    assert any("pair:b2:s2" in target for _, target in found), found
    assert any("Tom Baker" in label and "q=b2" in target for label, target in found), found
    assert said.count("pair with buyer:b2 scored") <= 1, "reasons are not listed twice"


def test_a_cluster_flag_lists_its_members_with_links(explorer: Explorer) -> None:
    app = explorer("queue")
    cluster = next(
        r["flag"].split("flag_id=")[1]
        for r in app.dataframe[0].value.to_dict("records")
        if r["kind"] == "cluster"
    )
    app = explorer("flag", flag_id=cluster)
    assert not app.exception
    said = texts(app)
    assert "Members" in said
    found = links(app)
    labels = " ".join(label for label, _ in found)
    assert "Hartley Watches" in labels and "Tom Baker" in labels and "Lena Vos" in labels
    assert any("seller=s2" in target for _, target in found), found
    assert any("pair:b3:s2" in target for _, target in found), found
