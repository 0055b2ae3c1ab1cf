"""What an analysis run tells webhooks: each flag it raises once, a flag again only when it
alerts anew, and the run itself; written in the same statements as the flags and the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.casework.common import Actor
from sidedeal.casework.webhooks import create
from sidedeal.graph.outbox import event_payload
from sidedeal.graph.store import Store
from tests.helpers import load_market
from tests.integration.market import small_market

ADMIN = Actor("test", "test", "admin", "test")


def outbox(store: Store) -> list[dict[str, Any]]:
    rows = store.read("MATCH (e:OutboxEvent) RETURN e {.*} AS e ORDER BY e.created_at, e.type")
    return [event_payload(r["e"]) for r in rows]


def test_a_run_raises_each_flag_once_and_reports_itself(store: Store, tmp_path: Path) -> None:
    load_market(store, small_market(), tmp_path)
    hook = create(
        store, "http://127.0.0.1:9/x", ["*"], None, ADMIN,
        allowed_hosts=["127.0.0.1"], https_only=False,
    )  # fmt: skip
    first = analyze(store, load_weights(), trigger="test")
    events = outbox(store)
    flags = store.read("MATCH (f:Flag) RETURN f.flag_id AS id, f.score AS score")
    raised = {e["data"]["flag_id"]: e["data"] for e in events if e["type"] == "flag.raised"}
    assert flags and set(raised) == {f["id"] for f in flags}
    for flag in flags:
        assert raised[flag["id"]]["score"] == flag["score"]
        assert raised[flag["id"]]["reasons"] and raised[flag["id"]]["run_id"] == first.run_id
    (run,) = [e for e in events if e["type"] == "run.completed"]
    assert run["data"]["run_id"] == first.run_id
    assert run["data"]["counts"]["flags"]["new"] == len(flags)
    deliveries = store.count(
        "MATCH (d:Delivery {webhook_id: $id, status: 'pending'}) RETURN count(d) AS n",
        {"id": hook.id},
    )
    assert deliveries == len(events)

    second = analyze(store, load_weights(), trigger="test")
    again = [e for e in outbox(store) if e not in events]
    assert [e["type"] for e in again] == ["run.completed"]  # nothing new: only the run
    assert again[0]["data"]["run_id"] == second.run_id
