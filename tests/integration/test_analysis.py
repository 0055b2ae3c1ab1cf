"""Link analysis against a real Neo4j: clusters on real data, flags that update in place, the lock,
the export."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import acquire_lock, analyze, release_lock
from sidedeal.casework.export import write_jsonl
from sidedeal.errors import Conflict
from sidedeal.graph.store import Store
from tests.helpers import load_market
from tests.integration.demo_fraud import published_pairs, to_contract
from tests.integration.market import small_market

W = load_weights()


def load(store: Store, files: dict[str, Any], tmp_path: Path, name: str = "in") -> None:
    load_market(store, files, tmp_path / name, reset=False)


def test_demo_fraud_clusters_and_overlap_ratios(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    folder = shared_data / "neo4j-demo-fraud"
    load(store, to_contract(folder), tmp_path)
    summary = analyze(store, W)
    assert summary.status == "completed"

    clusters = store.read(
        "MATCH (c:Cluster {status: 'active'}) RETURN c.cluster_id AS id, c.size AS size"
    )
    assert [c["size"] for c in clusters] == [70]
    singletons = store.count("MATCH (b:Buyer) WHERE NOT (b)-[:MEMBER_OF]->() RETURN count(b) AS n")
    assert singletons == 4

    links = store.read(
        "MATCH (a:Buyer)-[l:SHARES_IDENTIFIERS]->(b:Buyer) "
        "RETURN a.buyer_id AS a, b.buyer_id AS b, l.overlap AS overlap, l.shared AS shared"
    )
    published = published_pairs(folder)
    assert len(links) == len(published) == 131
    for link in links:
        ratio, count = published[frozenset((link["a"], link["b"]))]
        assert link["overlap"] == pytest.approx(ratio, abs=1e-6)
        assert link["shared"] == count


def test_a_second_run_updates_flags_instead_of_duplicating(store: Store, tmp_path: Path) -> None:
    load(store, small_market(), tmp_path)
    first = analyze(store, W)
    flags = store.read("MATCH (f:Flag) RETURN f.flag_id AS id, f.status AS status ORDER BY id")
    assert {"pair:b2:s2"} <= {f["id"] for f in flags}
    assert first.counts["flags"]["new"] == len(flags)

    # A full run raises every flag again: updated in place, no duplicate, no re-alert.
    second = analyze(store, W, full=True)
    assert second.counts["flags"]["new"] == 0
    assert second.counts["flags"]["alerted"] == 0  # nothing changed: no re-alert
    again = store.read("MATCH (f:Flag) RETURN f.flag_id AS id, f.status AS status ORDER BY id")
    assert again == flags
    runs = store.read("MATCH (r:Run) RETURN r.status AS status, r.mode AS mode ORDER BY mode")
    assert runs == [{"status": "completed", "mode": "full"}] * 2
    raised_by = store.count(
        "MATCH (:Flag {flag_id: 'pair:b2:s2'})-[:RAISED_BY]->(r:Run) RETURN count(r) AS n"
    )
    assert raised_by == 2
    # An incremental run with nothing new changes nothing (what it looks at: test_incremental).
    third = analyze(store, W)
    assert third.mode == "incremental"
    assert third.counts["flags"]["new"] == third.counts["flags"]["alerted"] == 0
    assert (
        store.read("MATCH (f:Flag) RETURN f.flag_id AS id, f.status AS status ORDER BY id") == flags
    )


def test_a_dismissed_flag_stays_dismissed_until_new_evidence(store: Store, tmp_path: Path) -> None:
    load(store, small_market(), tmp_path)
    analyze(store, W)
    store.write("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) SET f.status = 'dismissed'")
    analyze(store, W)
    status = store.read("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f.status AS s")[0]["s"]
    assert status == "dismissed"

    more = {
        "messages": [
            {
                "message_id": "m-new",
                "conversation_id": "c2",
                "sender": "seller",
                "sent_at": "2024-02-04T09:00:00Z",
                "body": "My IBAN is GB82 WEST 1234 5698 7654 32, pay me directly",
            },
        ]
    }
    load(store, more, tmp_path, "more")
    analyze(store, W)
    flag = store.read("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f")[0]["f"]
    assert flag["status"] == "open"
    assert "m-new" in flag["new_evidence"]


def test_runs_never_overlap(store: Store, tmp_path: Path) -> None:
    load(store, small_market(), tmp_path)
    acquire_lock(store, "someone-else")
    try:
        with pytest.raises(Conflict, match="someone-else"):
            analyze(store, W)
    finally:
        release_lock(store, "someone-else")
    assert analyze(store, W).status == "completed"


def test_export_is_jsonl_highest_score_first(store: Store, tmp_path: Path) -> None:
    load(store, small_market(), tmp_path)
    run = analyze(store, W)
    out = io.StringIO()
    count = write_jsonl(store, out, include_suppressed=True, commission_rate=0.15)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(rows) > 0
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    for row in rows:
        assert {"flag_id", "kind", "score", "buyer_ids", "seller_ids", "reasons", "run_id"} <= set(
            row
        )
        assert row["kind"] in ("pair", "seller", "cluster") and 0 <= row["score"] <= 1
        assert row["run_id"] == run.run_id and row["reasons"]


def test_pair_features_are_kept_with_the_flag_and_the_pair(store: Store, tmp_path: Path) -> None:
    load(store, small_market(), tmp_path)
    analyze(store, W)
    flag = store.read("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f")[0]["f"]
    features = json.loads(flag["features"])
    assert features["conversations"] == 1 and features["orders"] == 0
    assert features["findings_by_side"]["seller"] >= 2  # the phone and the cues of m3
    assert features["findings_by_kind"]["phone"] == 1
    assert features["first_exchange_at"].startswith("2024-02-03T11:00:00")
    # The latest event is order o2 on 2024-03-02 09:00: 27 whole days of silence, and no order ever.
    assert features["went_quiet_after_contact"] is True  # 27 days before order o2, the latest
    assert "by the seller on 2024-02-03, no order since" in " ".join(flag["reasons"])
    assert "phone:+447911123456" in features["shared_identifiers"]
    factors = json.loads(flag["factors"])
    assert sum(f["contribution"] for f in factors) == pytest.approx(flag["score"], abs=1e-3)
    pair = store.read(
        "MATCH (:Buyer {buyer_id: 'b2'})-[d:DEALT_WITH]->(:Seller {seller_id: 's2'}) "
        "RETURN d.score AS score, d.features AS features"
    )[0]
    assert pair["score"] == pytest.approx(flag["score"], abs=1e-3)
    assert json.loads(pair["features"]) == features


def test_the_worker_runs_and_stops_cleanly_on_sigterm(
    store: Store, settings: object, tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from sidedeal.settings import Settings

    assert isinstance(settings, Settings)
    load(store, small_market(), tmp_path)
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "sidedeal.cli", "worker", "--every", "1h"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if store.count("MATCH (r:Run {status: 'completed'}) RETURN count(r) AS n"):
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the worker did not complete a run within 60s")
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "worker stopped after 1 runs" in output
    assert store.read("MATCH (l:Lock {name: 'analysis'}) RETURN l.holder AS h")[0]["h"] is None


def _suppress(store: Store, flag_id: str, mode: str, days: int) -> None:
    buyer, seller = flag_id.split(":")[1:]
    store.write(
        "MERGE (w:AllowList {flag_id: $flag_id}) "
        "SET w.buyer_id = $buyer, w.seller_id = $seller, w.mode = $mode, w.reason = 'test', "
        "w.expires_at = datetime() + duration({days: $days})",
        {"flag_id": flag_id, "buyer": buyer, "seller": seller, "mode": mode, "days": days},
    )


def test_an_allow_listed_pair_never_alerts_nor_weighs_on_its_seller(
    store: Store, tmp_path: Path
) -> None:
    load(store, small_market(), tmp_path)
    _suppress(store, "pair:b2:s2", "allow", 30)
    summary = analyze(store, W)
    flag = store.read("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f")[0]["f"]
    assert flag.get("alerted_at") is None  # kept and scored, but silent
    assert summary.counts["flags"]["suppressed"] == 1
    seller = store.read("MATCH (f:Flag {flag_id: 'seller:s2'}) RETURN f.reasons AS r")
    assert not any("pair with buyer:b2" in reason for row in seller for reason in row["r"])


def test_a_snoozed_flag_waits_then_alerts_on_what_came_meanwhile(
    store: Store, tmp_path: Path
) -> None:
    load(store, small_market(), tmp_path)
    analyze(store, W)
    first = store.read("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f")[0]["f"]
    _suppress(store, "pair:b2:s2", "snooze", 7)
    more = {
        "messages": [
            {
                "message_id": "m-late",
                "conversation_id": "c2",
                "sender": "seller",
                "sent_at": "2024-02-04T09:00:00Z",
                "body": "Or PayPal friends and family to j.hartley@gmail.com",
            },
        ]
    }
    load(store, more, tmp_path, "more")
    snoozed = analyze(store, W)
    assert snoozed.counts["flags"]["suppressed"] == 1
    during = store.read("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f")[0]["f"]
    assert during["alerted_at"] == first["alerted_at"]
    assert "m-late" not in during["evidence"]

    _suppress(store, "pair:b2:s2", "snooze", -1)  # the snooze has expired
    analyze(store, W)
    after = store.read("MATCH (f:Flag {flag_id: 'pair:b2:s2'}) RETURN f")[0]["f"]
    assert after["alerted_at"] > first["alerted_at"]
    assert "m-late" in after["new_evidence"]


def test_the_cli_export_and_the_api_export_read_the_same_flags(
    store: Store, settings: object, tmp_path: Path
) -> None:
    """One read path: `sidedeal flags export` lists what `GET /export/flags` lists."""
    import os
    import subprocess
    import sys

    from fastapi.testclient import TestClient

    from sidedeal.api.app import create_app
    from sidedeal.casework.common import Actor
    from sidedeal.casework.keys import create_key
    from sidedeal.settings import Settings

    assert isinstance(settings, Settings)
    load(store, small_market(), tmp_path)
    analyze(store, W)
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "sidedeal.cli", "flags", "export", "--status", "open"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    cli = [json.loads(line) for line in done.stdout.splitlines()]
    actor = Actor(key_id="test", name="test", role="admin", request_id="test")
    key = create_key(store, "investigator", "export test", actor).key
    with TestClient(create_app(settings, store=store)) as client:
        api = client.get("/export/flags?status=open", headers={"X-API-Key": key}).json()["data"]
    assert cli and [r["flag_id"] for r in cli] == [f["flag_id"] for f in api]
    assert [r["score"] for r in cli] == [f["score"] for f in api]
    bad = subprocess.run(
        [sys.executable, "-m", "sidedeal.cli", "flags", "export", "--status", "opne"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "--status must be one of" in bad.stderr
