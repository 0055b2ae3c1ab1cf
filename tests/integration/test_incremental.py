"""Incremental analysis equals a full run on the same graph (analysis/incremental.py's contract).

Two twins load the same generated marketplace in time order: a base, then deltas. After each
delta both re-score some of the delta's pairs at once (as the event API does), investigators act
the same on both, then one twin runs incrementally and the other in full; everything a user
reads must then be the same: links, pair scores and features, seller
scores, cluster ids, members and scores, flags (status, score, reasons, factors, evidence,
features, new evidence, whether they alerted or cleared now). Weights are tightened so the small
market exercises what a big one does: Louvain splits, identifiers held by too many accounts.
"""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sidedeal.analysis import changes
from sidedeal.analysis.config import Weights, load_weights
from sidedeal.analysis.links import population
from sidedeal.analysis.run import analyze, rescore_pairs
from sidedeal.demo import generate
from sidedeal.demo.deltas import write_parts
from sidedeal.graph import schema
from sidedeal.graph.store import Store
from sidedeal.ingest.loaders import default_scanner
from sidedeal.ingest.pipeline import ingest
from tests.helpers import write_contract

BASE = load_weights()
W: Weights = BASE.model_copy(
    update={
        "clusters": BASE.clusters.model_copy(update={"max_component": 5, "min_size": 2}),
        "links": BASE.links.model_copy(update={"max_holders": 6, "soft_cap": 3}),
    }
)
QUANTILES = (0.8, 0.88, 0.95)  # three deltas of 8%, 7% and 5% of the messages
TOLERANCE = 1e-9


@pytest.fixture(autouse=True)
def no_slack(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each load here commits before the next run starts, so the runs need no slack for
    transactions still committing (by default the last 5 minutes before a run are read again,
    which would make every run here re-read everything the test loaded)."""
    monkeypatch.setattr(changes, "WATERMARK_SLACK", timedelta(0))


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("incremental")
    generate(root / "market", scale=0.06, seed=11, fmt="csv")
    with (root / "market" / "messages.csv").open(encoding="utf-8") as handle:
        times = sorted(row["sent_at"] for row in csv.DictReader(handle))
    cuts = [times[int(len(times) * q)] for q in QUANTILES]
    # Accounts load with the base so the deltas stay within one population step (a new step makes
    # the run full: tested below); step 3 of `spread` adds two within the step.
    return write_parts(root / "market", root / "parts", cuts, accounts_in_base=True)


def load(store: Store, folder: Path) -> None:
    summary = ingest(
        store,
        folder,
        batch_size=1000,
        rejects_dir=folder.parent / "rejects",
        scanner=default_scanner([]),
    )
    assert summary.rejected == 0, summary.rejects_path


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a run leaves that a user reads, without the stamps of which run wrote it."""
    run = store.read("MATCH (r:Run) RETURN r.started_at AS at ORDER BY at DESC LIMIT 1")[0]["at"]
    links = store.read(
        "MATCH (a)-[l:SHARES_IDENTIFIERS]->(b) RETURN a.account_key AS a, b.account_key AS b, "
        "l.keys AS keys, l.key_weights AS weights, l.weight AS weight, l.overlap AS overlap, "
        "l.shared AS shared ORDER BY a, b"
    )
    pairs = store.read(
        "MATCH (b:Buyer)-[d:DEALT_WITH]->(s:Seller) WHERE d.scored_by IS NOT NULL "
        "RETURN b.buyer_id AS b, s.seller_id AS s, d.score AS score, d.features AS features, "
        "d.factors AS factors, d.evidence_score AS evidence_score, d.exchange_at AS exchange_at "
        "ORDER BY b, s"
    )
    sellers = store.read(
        "MATCH (s:Seller) WHERE s.score IS NOT NULL RETURN s.seller_id AS s, s.score AS score "
        "ORDER BY s"
    )
    clusters = store.read(
        "MATCH (c:Cluster) OPTIONAL MATCH (a)-[:MEMBER_OF]->(c) "
        "WITH c, a ORDER BY a.account_key "
        "RETURN c.cluster_id AS id, c.status AS status, c.score AS score, c.split AS split, "
        "c.size AS size, collect(a.account_key) AS members ORDER BY id"
    )
    flags = store.read(
        "MATCH (f:Flag) OPTIONAL MATCH (f)-[:CONCERNS]->(x) "
        "WITH f, x ORDER BY coalesce(x.account_key, x.cluster_id) "
        "RETURN f.flag_id AS id, f.kind AS kind, f.status AS status, f.score AS score, "
        "f.reasons AS reasons, f.factors AS factors, f.evidence AS evidence, "
        "f.features AS features, f.buyer_ids AS buyers, f.seller_ids AS sellers, "
        "f.cluster_id AS cluster, f.top_reason AS top, f.new_evidence AS new_evidence, "
        "f.alerted_at = $run AS alerted_now, f.cleared_at = $run AS cleared_now, "
        "f.rank AS rank, f.estimated_sales AS sales, f.currency AS currency, "
        "f.value_basis AS basis, toString(f.last_evidence_at) AS last_evidence, "
        "collect(coalesce(x.account_key, x.cluster_id)) AS concerns ORDER BY id",
        {"run": run},
    )
    return {
        "links": links,
        "pairs": pairs,
        "sellers": sellers,
        "clusters": clusters,
        "flags": flags,
    }


def assert_same(incremental: dict[str, Any], full: dict[str, Any], step: str) -> None:
    for part in full:
        inc, ful = incremental[part], full[part]
        assert len(inc) == len(ful), f"{step}: {part} {len(inc)} incremental vs {len(ful)} full"
        for mine, theirs in zip(inc, ful, strict=True):
            assert mine.keys() == theirs.keys()
            for key, value in theirs.items():
                numbers = isinstance(value, list) and value and isinstance(value[0], float)
                if isinstance(value, float) or numbers:
                    assert mine[key] == pytest.approx(value, abs=TOLERANCE), (step, part, theirs)
                else:
                    assert mine[key] == value, (step, part, key, mine, theirs)


def act(store: Store, step: int) -> None:
    """What investigators did between runs, the same on both twins (chosen by flag id)."""
    flags = store.read(
        "MATCH (f:Flag {kind: 'pair'}) WHERE f.status = 'open' RETURN f.flag_id AS id ORDER BY id"
    )
    ids = [f["id"] for f in flags]
    if step == 1 and len(ids) >= 3:
        _allow(store, ids[0], "allow", days=30)
        _allow(store, ids[1], "snooze", days=30)
        store.write("MATCH (f:Flag {flag_id: $id}) SET f.status = 'dismissed'", {"id": ids[2]})
    if step == 2:
        store.write("MATCH (w:AllowList) WHERE w.mode = 'snooze' DETACH DELETE w")  # lifted
        store.write(  # the allow-listing expired
            "MATCH (w:AllowList) WHERE w.mode = 'allow' "
            "SET w.expires_at = datetime() - duration({minutes: 1})"
        )


def _allow(store: Store, flag_id: str, mode: str, days: int) -> None:
    _, buyer, seller = flag_id.split(":")
    store.write(
        "MERGE (w:AllowList {flag_id: $flag_id}) "
        "SET w.buyer_id = $buyer, w.seller_id = $seller, w.mode = $mode, w.reason = 'test', "
        "w.expires_at = datetime() + duration({days: $days})",
        {"flag_id": flag_id, "buyer": buyer, "seller": seller, "mode": mode, "days": days},
    )


def spread(store: Store, step: int, folder: Path) -> None:
    """More accounts come to hold an identifier, as contacts: at step 1 one mentioned in messages
    and held by 2 or 3 (a mention of it weighs less now, and new links form), at step 2 one that
    links a buyer and a seller that never dealt, until more than max_holders hold it (its links
    go away, and that pair with them); at step 3 new accounts arrive."""
    if step == 1:
        query = (
            "MATCH (i:Identifier) WHERE i.kind IN ['phone', 'email'] "
            "AND COUNT { (i)<-[:HAS_IDENTIFIER]-() } IN [2, 3] AND EXISTS { (i)<-[:MENTIONS]-() } "
            "RETURN i.kind AS kind, i.value AS value, i.key AS key ORDER BY key LIMIT 1"
        )
        more = 3
    elif step == 2:
        query = (
            "MATCH (b:Buyer)-[l:SHARES_IDENTIFIERS]->(s:Seller) WHERE NOT (b)-[:DEALT_WITH]->(s) "
            "UNWIND l.keys AS key "
            "MATCH (i:Identifier {key: key}) WHERE i.kind IN ['phone', 'email'] "
            "RETURN DISTINCT i.kind AS kind, i.value AS value, i.key AS key ORDER BY key LIMIT 1"
        )
        more = W.links.max_holders
    else:
        new_accounts(store, folder)
        return
    found = store.read(query)
    assert found, f"no identifier to spread at step {step}"
    buyers = store.read(
        "MATCH (b:Buyer) WHERE NOT (b)-[:HAS_IDENTIFIER]->(:Identifier {key: $key}) "
        "RETURN b.buyer_id AS id ORDER BY id LIMIT $n",
        {"key": found[0]["key"], "n": more},
    )
    rows = [
        {"account_type": "buyer", "account_id": b["id"], "kind": found[0]["kind"],
         "value": found[0]["value"], "observed_at": "2025-05-01T00:00:00Z"}
        for b in buyers
    ]  # fmt: skip
    load(store, write_contract(folder / f"spread-{step}", {"contacts": rows}))


def event_pairs(store: Store, delta: Path, n: int = 5) -> set[tuple[str, str]]:
    """The pairs of the first conversations the delta's messages arrive in."""
    with (delta / "messages.csv").open(encoding="utf-8") as handle:
        ids = sorted({row["conversation_id"] for row in csv.DictReader(handle)})[:n]
    rows = store.read(
        "UNWIND $ids AS id MATCH (b:Buyer)-[:PARTICIPATES_IN]->(:Conversation {conversation_id: id})"
        "<-[:PARTICIPATES_IN]-(s:Seller) RETURN b.buyer_id AS b, s.seller_id AS s",
        {"ids": ids},
    )
    return {(r["b"], r["s"]) for r in rows}


def new_accounts(store: Store, folder: Path) -> None:
    """Two new buyers whose profile phone is one that already links accounts."""
    accounts = store.count("MATCH (a:Account) RETURN count(a) AS n")
    assert population(accounts + 2) == population(accounts), "choose another seed or scale"
    phone = store.read(
        "MATCH ()-[l:SHARES_IDENTIFIERS]->() UNWIND l.keys AS key "
        "MATCH (i:Identifier {key: key, kind: 'phone'}) RETURN i.value AS value ORDER BY key LIMIT 1"
    )[0]["value"]
    buyers = [
        {"buyer_id": f"b-new-{i}", "name": "New Buyer", "country": "GB", "email": "",
         "phone": phone, "created_at": "2025-06-20T00:00:00Z"}
        for i in (1, 2)
    ]  # fmt: skip
    load(store, write_contract(folder / "new-accounts", {"buyers": buyers}))


def twin(store: Store, parts: list[Path], full: bool, folder: Path) -> list[dict[str, Any]]:
    schema.reset(store)
    load(store, parts[0])
    assert analyze(store, W, full=True).mode == "full"
    shots = []
    for step, delta in enumerate(parts[1:], start=1):
        load(store, delta)
        # As the event API does between periodic runs (on both twins: their states before the
        # periodic run must be the same for the runs to be compared).
        assert rescore_pairs(store, W, event_pairs(store, delta)).status == "completed"
        spread(store, step, folder / ("full" if full else "incremental"))
        summary = analyze(store, W, full=full)
        assert summary.status == "completed"
        if not full:
            assert summary.mode == "incremental", summary.reason
        shots.append(snapshot(store))
        act(store, step)
    return shots


def test_incremental_runs_equal_full_runs_delta_after_delta(
    store: Store, parts: list[Path], tmp_path: Path
) -> None:
    incremental = twin(store, parts, full=False, folder=tmp_path)
    full = twin(store, parts, full=True, folder=tmp_path)
    for step, (mine, theirs) in enumerate(zip(incremental, full, strict=True), start=1):
        assert theirs["flags"] and theirs["clusters"], "the market must raise flags and clusters"
        assert_same(mine, theirs, f"delta {step}")
    split = [c for c in full[-1]["clusters"] if c["split"] and c["status"] == "active"]
    assert split, "no component was split by Louvain: the test would not cover it"


def test_an_incremental_run_reads_only_what_changed(store: Store, parts: list[Path]) -> None:
    schema.reset(store)
    for folder in parts:
        load(store, folder)
    first = analyze(store, W, full=True)
    nothing = analyze(store, W)
    assert nothing.mode == "incremental"
    assert nothing.counts["pairs_rescored"] == 0 and nothing.counts["sellers_rescored"] == 0
    assert nothing.counts["flags"]["raised"] == 0 and nothing.counts["flags"]["cleared"] == 0
    one = {
        "messages": [
            {
                "message_id": "m-late-1",
                "conversation_id": store.read(
                    "MATCH (c:Conversation) RETURN c.conversation_id AS id ORDER BY id LIMIT 1"
                )[0]["id"],
                "sender": "seller",
                "sent_at": "2025-06-30T12:00:00Z",
                "body": "Text me on +44 7700 900123 and we skip the fees",
            }
        ]
    }
    load(store, write_contract(Path(str(parts[0]) + "-one"), one))
    small = analyze(store, W)
    assert small.mode == "incremental"
    assert 1 <= small.counts["pairs_rescored"] < first.counts["candidate_pairs"] / 4


def test_a_new_population_step_or_new_weights_make_the_run_full(
    store: Store, parts: list[Path], tmp_path: Path
) -> None:
    schema.reset(store)
    load(store, parts[0])
    analyze(store, W, full=True)
    other = W.model_copy(update={"flags": W.flags.model_copy(update={"threshold": 0.55})})
    assert analyze(store, other).reason == "the weights changed"
    accounts = store.count("MATCH (a:Account) RETURN count(a) AS n")
    buyers = [
        {"buyer_id": f"b-new-{i}", "name": "New", "country": "GB", "created_at": "2025-06-01"}
        for i in range(accounts // 8)  # +12.5%: past the next step of 2^(1/8)
    ]
    load(store, write_contract(tmp_path / "new-buyers", {"buyers": buyers}))
    summary = analyze(store, other)
    assert summary.mode == "full" and "population step" in (summary.reason or "")


def test_rescore_pairs_gives_the_pair_and_its_seller_what_a_full_run_gives(
    store: Store, parts: list[Path], tmp_path: Path
) -> None:
    schema.reset(store)
    for folder in parts[:-1]:
        load(store, folder)
    analyze(store, W, full=True)
    pair = store.read(
        "MATCH (b:Buyer)-[:PARTICIPATES_IN]->(c:Conversation)<-[:PARTICIPATES_IN]-(s:Seller) "
        "WHERE NOT EXISTS { (:Flag {kind: 'pair'})-[:CONCERNS]->(b) } "
        "RETURN b.buyer_id AS b, s.seller_id AS s, c.conversation_id AS c "
        "ORDER BY c LIMIT 1"
    )[0]
    event = {
        "messages": [
            {
                "message_id": "m-event",
                "conversation_id": pair["c"],
                "sender": "seller",
                "sent_at": "2025-05-31T10:00:00Z",
                "body": "Pay me by bank transfer to GB82 WEST 1234 5698 7654 32, no fees",
            }
        ]
    }
    load(store, write_contract(tmp_path / "event", event))
    summary = rescore_pairs(store, W, {(pair["b"], pair["s"])}, trigger="test")
    assert summary.mode == "pairs" and summary.status == "completed"
    ids = [f"pair:{pair['b']}:{pair['s']}", f"seller:{pair['s']}"]
    after_event = _flags(store, ids)
    assert after_event[ids[0]]["status"] == "open"  # the event raised the pair's flag at once
    analyze(store, W, full=True)
    assert _flags(store, ids) == after_event


def _flags(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = store.read(
        "UNWIND $ids AS id MATCH (f:Flag {flag_id: id}) "
        "RETURN id, f.status AS status, f.score AS score, f.reasons AS reasons, "
        "f.factors AS factors, f.evidence AS evidence, f.features AS features",
        {"ids": ids},
    )
    return {row["id"]: {**row, "factors": json.loads(row["factors"] or "[]")} for row in rows}
