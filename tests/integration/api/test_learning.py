"""The learning loop through the real app: signals, weights versions, backtest, activation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sidedeal.analysis.config import DEFAULT_FILE

Headers = dict[str, dict[str, str]]
SEED = DEFAULT_FILE.read_text(encoding="utf-8")
STRICT = SEED.replace("threshold = 0.5", "threshold = 0.99")


def test_signals_are_for_investigators_and_count_decisions(
    client: TestClient, as_role: Headers
) -> None:
    assert client.get("/signals", headers=as_role["viewer"]).status_code == 403
    decided = client.post(
        "/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "the seller's number, then silence"},
        headers=as_role["investigator"],
    )
    assert decided.status_code == 200, decided.text
    factors = client.get("/flags/pair:b2:s2", headers=as_role["investigator"]).json()
    signals = {r["signal"] for r in factors["factors"]}
    rows = client.get("/signals", headers=as_role["investigator"]).json()
    confirmed = {r["signal"] for r in rows if r["confirmed"]}
    assert confirmed == signals
    row = next(r for r in rows if r["signal"] == factors["factors"][0]["signal"])
    assert row["precision"] == 1.0 and 0 < row["precision_low"] < 1 == row["precision_high"]
    assert {"signal", "flags", "decided", "confirmed", "dismissed", "precision"} <= set(row)
    late = client.get("/signals?since=2999-01-01T00:00:00Z", headers=as_role["investigator"])
    assert late.json() == []


def test_propose_backtest_activate(client: TestClient, as_role: Headers) -> None:
    admin, investigator = as_role["admin"], as_role["investigator"]
    listed = client.get("/weights", headers=as_role["viewer"]).json()
    assert [(v["version"], v["active"]) for v in listed] == [("v1", True)]

    body = {"content": STRICT, "note": "only the surest flags"}
    assert client.post("/weights", json=body, headers=investigator).status_code == 403
    bad = client.post(
        "/weights",
        json={"content": SEED.replace("threshold = 0.5", "threshold = 1.5")},
        headers=admin,
    )
    assert bad.status_code == 400 and "weights" in bad.json()["message"]
    created = client.post("/weights", json=body, headers=admin)
    assert created.status_code == 201, created.text
    version = created.json()["version"]["version"]
    assert version == "v2" and not created.json()["version"]["active"]
    assert client.get(f"/weights/{version}", headers=as_role["viewer"]).json()["content"] == STRICT

    report = client.post(f"/weights/{version}/backtest", headers=investigator)
    assert report.status_code == 200, report.text
    figures = report.json()
    assert figures["active"] == "v1" and figures["raised"]["total"] == 0
    assert figures["cleared"]["total"] > 0
    assert {"raised", "cleared", "unchanged", "decided"} <= set(figures)
    assert client.get("/weights/v1", headers=investigator).json()["active"]  # nothing moved
    assert client.post("/weights/v9/backtest", headers=investigator).status_code == 404

    no_note = client.post(f"/weights/{version}/activate", json={}, headers=admin)
    assert no_note.status_code == 422
    done = client.post(
        f"/weights/{version}/activate", json={"note": "backtested, nothing lost"}, headers=admin
    )
    assert done.status_code == 200, done.text
    assert done.json()["previous"] == ["v1"]
    again = client.post(f"/weights/{version}/activate", json={"note": "again"}, headers=admin)
    assert again.status_code == 409
    audit = client.get("/audit?action=weights.activate", headers=admin).json()["data"]
    assert [(e["objects"], e["detail"]["note"]) for e in audit] == [
        (["v2", "v1"], "backtested, nothing lost")
    ]
    run = client.post("/runs", headers=investigator)
    assert run.status_code in (201, 202), run.text
    run_id = run.json()["run_id"]
    assert client.get(f"/runs/{run_id}", headers=investigator).json()["weights_version"] == "v2"

    # The re-score of a streamed event uses the active version too, without a restart.
    message = {
        "message_id": "m-learning",
        "conversation_id": "c2",
        "sender": "seller",
        "sent_at": "2024-02-06T09:00:00Z",
        "body": "my number again: 07911 234567",
    }
    answer = client.post(
        "/events?wait=30",
        json={"events": [{"type": "message", "data": message}]},
        headers=admin,
    ).json()
    assert answer["rescore"]["status"] == "done", answer
    runs = client.get("/runs", headers=investigator).json()["data"]
    rescore = next(r for r in runs if r["mode"] == "pairs")
    assert rescore["weights_version"] == "v2"


def test_times_with_offsets_neo4j_refuses_are_read_as_utc(
    client: TestClient, as_role: Headers
) -> None:
    """Python accepts a UTC offset of -19:37, Neo4j only +-18:00: a time with one was a 500."""
    odd = "1639-06-01T05:25:16-19:37"
    investigator = as_role["investigator"]
    assert client.get(f"/signals?since={odd}", headers=investigator).status_code == 200
    queue = client.get(f"/flags?evidence_after={odd}&evidence_before={odd}", headers=investigator)
    assert queue.status_code == 200 and queue.json()["count"] == 0
    audit = client.get(f"/audit?since={odd}&until={odd}", headers=investigator)
    assert audit.status_code == 200 and audit.json()["count"] == 0


def test_a_sellers_ledger_follows_its_flags_and_recovery_orders(
    client: TestClient, as_role: Headers
) -> None:
    investigator = as_role["investigator"]
    before = client.get("/sellers/s2/ledger", headers=as_role["viewer"])
    assert before.status_code == 200, before.text
    decided = client.post(
        "/flags/pair:b2:s2/decision",
        json={"decision": "confirmed", "note": "the Submariner, sold outside"},
        headers=investigator,
    ).json()
    case_id = decided["case_ids"][0]
    # The pair discussed the 14,200 GBP Submariner after swapping numbers: 15% of it is at stake.
    flag = client.get("/flags/pair:b2:s2", headers=investigator).json()
    assert (flag["value_at_risk"], flag["currency"]) == (2130.0, "GBP")
    order = client.post(
        f"/cases/{case_id}/recovery-orders",
        json={"amount": 14200, "currency": "GBP", "note": "the Submariner, sold outside"},
        headers=investigator,
    ).json()
    for status in ("invoiced", "paid"):
        moved = client.patch(
            f"/recovery-orders/{order['recovery_order_id']}",
            json={"status": status},
            headers=investigator,
        )
        assert moved.status_code == 200, moved.text
    lines = client.get("/sellers/s2/ledger", headers=as_role["viewer"]).json()["lines"]
    gbp = next(line for line in lines if line["currency"] == "GBP")
    assert gbp["confirmed"] == 2130.0
    assert gbp["billed"] == gbp["recovered"] == order["commission_due"] == 2130.0
    assert client.get("/sellers/nobody/ledger", headers=investigator).status_code == 404
