"""The learning loop against a real Neo4j: weights versions (seed, propose, activate, runs that
name their version), the backtest (what it reports, and that it writes nothing), and precision per
factor from decisions, on a generated marketplace decided by its labels."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sidedeal.analysis.config import DEFAULT_FILE
from sidedeal.analysis.run import analyze
from sidedeal.analysis.value import total
from sidedeal.casework import decisions
from sidedeal.casework import weights as versions
from sidedeal.casework.common import Actor
from sidedeal.casework.signals import signals
from sidedeal.demo import generate
from sidedeal.errors import BadInput, Conflict
from sidedeal.graph.store import Store
from sidedeal.ingest.loaders import default_scanner
from sidedeal.ingest.pipeline import ingest
from tests.helpers import load_market
from tests.integration.market import small_market

ADMIN = Actor(key_id="k-admin", name="ana", role="admin", request_id="req-1")
SEED = DEFAULT_FILE.read_text(encoding="utf-8")


def edited(**changes: str) -> str:
    """The seed's TOML with ``key = value`` lines replaced (key as written in the file)."""
    text = SEED
    for key, value in changes.items():
        lines = [line for line in text.splitlines() if line.startswith(f"{key} = ")]
        assert len(lines) == 1, key
        text = text.replace(lines[0], f"{key} = {value}")
    return text


def flag_state(store: Store) -> list[dict[str, Any]]:
    return store.read(
        "MATCH (f:Flag) RETURN f.flag_id AS id, f.status AS status, f.score AS score, "
        "f.run_id AS run ORDER BY id"
    )


def test_versions_seed_propose_activate_and_runs_name_their_version(
    store: Store, tmp_path: Path
) -> None:
    seed, _ = versions.active(store)
    assert (seed.version, seed.active, seed.author, seed.content) == ("v1", True, "seed", SEED)

    strict = edited(threshold="0.9")
    proposed = versions.propose(store, strict, "ana", "fewer, surer flags", ADMIN)
    assert proposed.created and proposed.version.version == "v2"
    assert not proposed.version.active
    # The same weights again (a comment added) are the same version, not a third one.
    again = versions.propose(store, "# again\n" + strict, "bob", None, ADMIN)
    assert (again.created, again.version.version) == (False, "v2")
    with pytest.raises(BadInput, match="threshold"):
        versions.propose(store, edited(threshold="1.5"), "ana", None, ADMIN)
    assert [v.version for v in versions.list_versions(store)] == ["v2", "v1"]

    load_market(store, small_market(), tmp_path, reset=False)
    first = analyze(store, versions.active_weights(store))
    assert first.weights_version == "v1"

    done = versions.activate(store, "v2", "backtested: no confirmed flag lost", ADMIN)
    assert done.previous == ["v1"] and done.version.active
    with pytest.raises(Conflict, match="already active"):
        versions.activate(store, "v2", "twice", ADMIN)
    audit = store.read(
        "MATCH (e:AuditEvent {action: 'weights.activate'}) RETURN e.actor AS actor, "
        "e.objects AS objects, e.detail AS detail"
    )
    assert [(a["actor"], a["objects"]) for a in audit] == [("k-admin", ["v2", "v1"])]
    assert json.loads(audit[0]["detail"])["note"] == "backtested: no confirmed flag lost"

    active, weights = versions.active(store)
    assert active.version == "v2" and weights.flags.threshold == 0.9
    second = analyze(store, weights)
    # Other weights: the run is full, and records the version it scored with.
    assert (second.weights_version, second.mode, second.reason) == (
        "v2",
        "full",
        "the weights changed",
    )
    runs = store.read("MATCH (r:Run) RETURN r.weights_version AS v ORDER BY r.started_at")
    assert [r["v"] for r in runs] == ["v1", "v2"]
    # The version that was active is unchanged by all this.
    assert versions.get(store, "v1").content == SEED
    assert not versions.get(store, "v1").active


def test_backtest_reports_the_change_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    load_market(store, small_market(), tmp_path, reset=False)
    weights = versions.active_weights(store)
    run = analyze(store, weights)
    raised = run.counts["flags"]
    decisions.decide(store, "pair:b2:s2", "confirmed", "the number, then silence", ADMIN, months=12)
    strict = versions.propose(store, edited(threshold="0.99"), "ana", None, ADMIN).version
    before = flag_state(store)
    nodes = store.count("MATCH (n) RETURN count(n) AS n")

    same = versions.run_backtest(store, "v1", weights)
    assert same.raised["total"] == same.cleared["total"] == 0
    # Scored afresh, the active weights raise exactly what the analysis run raised.
    assert same.unchanged == {**raised["by_kind"], "total": raised["raised"]}
    assert same.decided["confirmed"] == 1 and same.decided["confirmed_lost"] == []
    assert same.decided["active"]["recall"] == 1.0

    report = versions.run_backtest(
        store, strict.version, versions.version_weights(store, strict.version)
    )
    assert report.raised["total"] == 0
    assert report.cleared["total"] == raised["raised"] - report.unchanged["total"] > 0
    assert report.decided["confirmed_lost"] == ["pair:b2:s2"]
    assert report.decided["candidate"]["recall"] == 0.0
    # The decided flag is not in the queue; every other flag the candidate keeps is.
    assert report.top_overlap == report.unchanged["total"]

    # Nothing was written: the same flags, scores and statuses, no node more.
    assert flag_state(store) == before
    assert store.count("MATCH (n) RETURN count(n) AS n") == nodes


@pytest.fixture
def decided_market(store: Store, tmp_path: Path) -> dict[str, Any]:
    """A generated marketplace, analysed with the seed version, its pair flags decided by the
    labels as an investigator would (planted: confirmed; anything else: dismissed)."""
    directory = tmp_path / "market"
    generate(directory, scale=0.05, seed=11)
    labels = json.loads((directory / "labels.json").read_text())
    ingest(
        store, directory, batch_size=5000, rejects_dir=tmp_path / "r", scanner=default_scanner([])
    )
    analyze(store, versions.active_weights(store))
    planted = {f"pair:{p['buyer_id']}:{p['seller_id']}" for p in labels["off_platform_pairs"]}
    pair_flags = [
        r["id"] for r in store.read("MATCH (f:Flag {kind: 'pair'}) RETURN f.flag_id AS id")
    ]
    verdicts = {}
    for flag_id in sorted(pair_flags):
        verdict = "confirmed" if flag_id in planted else "dismissed"
        decisions.decide(store, flag_id, verdict, "decided by the labels", ADMIN, months=12)  # type: ignore[arg-type]
        verdicts[flag_id] = verdict
    return {"verdicts": verdicts, "planted": planted}


def test_signals_count_decisions_per_factor_and_version(
    store: Store, decided_market: dict[str, Any]
) -> None:
    verdicts: dict[str, str] = decided_market["verdicts"]
    assert "confirmed" in verdicts.values()
    rows = signals(store)
    by_signal = {(r.weights_version, r.signal): r for r in rows}
    # Recount one factor from the flags themselves.
    carrying = {
        r["id"]
        for r in store.read(
            "MATCH (f:Flag {kind: 'pair'}) WHERE f.factors CONTAINS '\"pair.contact_by_seller\"' "
            "RETURN f.flag_id AS id"
        )
    }
    row = by_signal[("v1", "pair.contact_by_seller")]
    confirmed = sum(1 for f in carrying if verdicts[f] == "confirmed")
    dismissed = sum(1 for f in carrying if verdicts[f] == "dismissed")
    assert (row.flags, row.confirmed, row.dismissed) == (len(carrying), confirmed, dismissed)
    assert row.decided == confirmed + dismissed
    assert row.precision == round(confirmed / (confirmed + dismissed), 4)
    assert row.precision_low is not None and row.precision_high is not None
    assert row.precision_low <= row.precision <= row.precision_high
    assert row.median_hours_to_decision is not None
    # Every pair flag has exactly one top factor.
    assert sum(r.top for r in rows if r.signal.startswith("pair.")) == len(verdicts)
    # A window that starts after every decision holds nothing.
    assert signals(store, since=datetime(2999, 1, 1, tzinfo=UTC)) == []


def test_decisions_keep_the_factors_and_version_they_were_made_on(
    store: Store, decided_market: dict[str, Any]
) -> None:
    def decided(version: str) -> set[tuple[str, int, int]]:
        return {
            (r.signal, r.confirmed, r.dismissed)
            for r in signals(store, version=version)
            if r.decided
        }

    before = decided("v1")
    assert before
    strict = versions.propose(store, edited(threshold="0.9"), "ana", None, ADMIN).version
    versions.activate(store, strict.version, "stricter", ADMIN)
    analyze(store, versions.active_weights(store))
    # The run under v2 rewrote the flags; the decisions still count for v1, as they were made.
    # (Undecided flags move to v2, which scored them last.)
    assert decided("v1") == before
    assert decided("v2") == set()
    assert signals(store, version="v2")


def test_the_loop_on_decided_flags_backtest_then_activate(
    store: Store, decided_market: dict[str, Any]
) -> None:
    """decide -> signals -> propose -> backtest -> activate: dropping the weakest cue (by its
    precision) is backtested against the decisions before it goes live."""
    verdicts: dict[str, str] = decided_market["verdicts"]
    rows = [r for r in signals(store, version="v1") if r.decided]
    assert rows
    candidate = versions.propose(store, edited(threshold="0.7"), "ana", "stricter", ADMIN).version
    report = versions.run_backtest(
        store, candidate.version, versions.version_weights(store, candidate.version)
    )
    active, cand = report.decided["active"], report.decided["candidate"]
    assert active["raised_confirmed"] == sum(1 for v in verdicts.values() if v == "confirmed")
    assert active["raised_dismissed"] == sum(1 for v in verdicts.values() if v == "dismissed")
    assert active["recall"] == 1.0
    lost = report.decided["confirmed_lost"]
    assert cand["raised_confirmed"] == active["raised_confirmed"] - len(lost)
    assert cand["raised_dismissed"] == len(report.decided["dismissed_still_raised"])
    assert report.cleared["total"] >= len(lost)
    versions.activate(store, candidate.version, "backtested on decisions", ADMIN)
    run = analyze(store, versions.active_weights(store))
    assert run.weights_version == candidate.version


def test_clusters_and_sellers_sum_the_money_of_their_pairs(
    store: Store, decided_market: dict[str, Any]
) -> None:
    """Recounted another way: from the cluster's members and the pair flags' seller ids."""
    groups = store.read(
        "MATCH (f:Flag) WHERE f.kind IN ['cluster', 'seller'] "
        "OPTIONAL MATCH (:Cluster {cluster_id: f.cluster_id})<-[:MEMBER_OF]-(m:Seller) "
        "WITH f, CASE f.kind WHEN 'seller' THEN f.seller_ids ELSE collect(m.seller_id) END AS ids "
        "RETURN f.flag_id AS id, f.kind AS kind, ids, f.estimated_sales AS sales, "
        "f.currency AS currency"
    )
    pairs = store.read(
        "MATCH (p:Flag {kind: 'pair'}) RETURN p.seller_ids[0] AS seller, p.status AS status, "
        "p.estimated_sales AS sales, p.currency AS currency"
    )
    assert {g["kind"] for g in groups} == {"cluster", "seller"}
    for group in groups:
        amounts = [
            (p["sales"], p["currency"])
            for p in pairs
            if p["seller"] in group["ids"] and p["status"] in ("open", "confirmed", "unsure")
        ]
        assert (group["sales"], group["currency"]) == total(amounts), group["id"]
    assert any(g["sales"] > 0 for g in groups if g["kind"] == "cluster")
