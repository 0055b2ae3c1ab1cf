"""The explorer's pure logic: highlighting, timelines, factors, the graph page, path segments."""

from __future__ import annotations

from datetime import UTC, datetime

from sidedeal.client.api import segment as _seg
from sidedeal.dashboard import charts, graph
from sidedeal.dashboard.highlight import highlight, spans


def test_findings_are_marked_by_their_spans_and_everything_else_is_escaped() -> None:
    body = "<b>Call</b> me on 07911 234567 & skip the fees"
    start = body.index("07911")
    findings = [
        {"kind": "phone", "value": "+447911234567", "start": start, "end": start + 12},
        {"kind": "cue", "value": "fee_avoidance", "start": body.index("skip"), "end": len(body)},
    ]
    html = highlight(body, findings)
    assert html.startswith("&lt;b&gt;Call&lt;/b&gt; me on <mark")
    assert 'data-kind="phone"' in html and ">07911 234567</mark>" in html
    assert ">skip the fees</mark>" in html and "&amp;" in html


def test_overlapping_or_out_of_range_spans_are_dropped_not_nested() -> None:
    body = "call me on 0791 123"
    kept = spans(
        body,
        [
            {"kind": "cue", "start": 0, "end": 10},
            {"kind": "phone", "start": 5, "end": 19},
            {"kind": "email", "start": 15, "end": 99},
            {"kind": "url", "start": "x", "end": 3},
        ],
    )
    assert [(s, e, k) for s, e, k, _ in kept] == [(0, 10, "cue")]


def test_messages_and_orders_make_one_timeline_in_time_order() -> None:
    pair = {
        "conversations": [
            {
                "conversation_id": "c1",
                "listing": {"title": "watch"},
                "messages": [
                    {"message_id": "m2", "sent_at": "2024-02-03T12:00:00Z", "sender": "buyer"},
                    {"message_id": "m1", "sent_at": "2024-02-03T11:00:00", "sender": "seller",
                     "findings": [{"kind": "phone"}]},
                ],
            }
        ],
        "orders": [{"order_id": "o1", "placed_at": "2024-02-02T09:00:00Z", "amount": 5}],
    }  # fmt: skip
    items = charts.events(pair)
    assert [e.get("message_id") or e.get("order_id") for e in items] == ["o1", "m1", "m2"]
    assert items[1]["at"] == datetime(2024, 2, 3, 11, tzinfo=UTC)
    frame = charts.timeline_frame(items)
    assert list(frame["flagged"]) == [False, True, False]


def test_a_signal_that_fires_twice_gets_two_bars() -> None:
    frame = charts.factors_frame(
        [
            {"signal": "seller.flagged_pair", "contribution": 0.1, "reason": "b"},
            {"signal": "seller.flagged_pair", "contribution": 0.5, "reason": "a"},
            {"signal": "seller.shared_payout", "contribution": 0.2, "reason": "c"},
        ]
    )
    assert list(frame["factor"]) == [
        "seller.flagged_pair",
        "seller.shared_payout",
        "seller.flagged_pair (2)",
    ]


def test_the_network_page_is_offline_and_marks_flagged_accounts() -> None:
    network = {
        "center": "seller:s1",
        "nodes": [
            {"id": "seller:s1", "type": "seller", "label": "S", "depth": 0, "properties": {}},
            {"id": "buyer:b1", "type": "buyer", "label": "B</script>", "depth": 1, "properties": {}},
            {"id": "flag:pair:b1:s1", "type": "flag", "label": "pair:b1:s1", "depth": 1,
             "properties": {"status": "open"}},
        ],
        "edges": [{"source": "flag:pair:b1:s1", "target": "buyer:b1", "type": "concerns"}],
    }  # fmt: skip
    nodes, _ = graph.vis_data(network)
    by_id = {n["id"]: n for n in nodes}
    assert by_id["buyer:b1"]["color"]["border"] == graph.FLAG_COLOURS["open"]
    assert by_id["seller:s1"]["size"] > by_id["buyer:b1"]["size"]
    page = graph.network_html(network)
    assert "vis.Network" in page and "B<\\/script>" in page
    assert "http://" not in page.split("<script>", 1)[0] and "cdn" not in page.lower()


def test_ids_stay_one_path_segment() -> None:
    assert _seg("pair:b2:s2") == "pair:b2:s2"
    assert _seg("../runs?x#y") == "%2E%2E%2Fruns%3Fx%23y"


def test_the_issue_button_names_each_ladder_step_once() -> None:
    from sidedeal.dashboard.casework import step_name

    names = [step_name(s) for s in ("warning", "formal_notice", "final_notice")]
    assert names == ["warning", "formal notice", "final notice"]
    assert step_name("suspension_recommended") == "suspension recommendation"
    assert step_name("account_review") == "account review notice"
    assert not any("notice notice" in f"Issue the {n}" for n in names)


def test_the_today_mark_sits_at_today_and_context_keeps_two_either_side() -> None:
    moment = datetime(2026, 12, 8, tzinfo=UTC)
    items = [
        {
            "type": "message",
            "at": datetime(2024, 1, d, tzinfo=UTC),
            "conversation_id": "c",
            "sender": "buyer",
            "findings": [{"kind": "phone"}] if d == 6 else [],
        }
        for d in range(1, 11)
    ] + [{"type": "order", "at": datetime(2024, 2, 1, tzinfo=UTC), "order_id": "o"}]
    chart = charts.timeline_chart(items, today=moment).to_dict()
    assert "2026-12-08" in str(chart["datasets"])
    keep = charts.context_mask(items)
    assert [i for i, k in enumerate(keep) if k] == [3, 4, 5, 6, 7, 10]
