"""How good the flags are, on generated marketplaces with planted fraud and decoys (labels.json),
beside the naive rule a trust team starts with (any regex phone or email in a pair's messages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sidedeal.analysis import evaluate as ev
from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.demo import generate
from sidedeal.graph.store import Store
from sidedeal.ingest.loaders import default_scanner
from sidedeal.ingest.pipeline import ingest
from sidedeal.ingest.readers import discover, iter_rows

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Thresholds reached on 2026-11-27 and kept: lower them only with a note saying why.
PAIR_PRECISION, PAIR_RECALL, PAIR_AP = 0.95, 0.90, 0.90
SELLER_PRECISION, SELLER_RECALL = 0.90, 0.95


def naive_flags(directory: Path) -> set[tuple[str, str]]:
    files = {f.spec.name: f for f in discover(directory)[0]}
    parties = {
        row.values["conversation_id"]: (row.values["buyer_id"], row.values["seller_id"])
        for row in iter_rows(files["conversations"])
    }
    messages = (
        (parties[row.values["conversation_id"]], row.values["body"] or "")
        for row in iter_rows(files["messages"])
    )
    return ev.naive_pairs(messages)


@pytest.mark.parametrize(("scale", "seed"), [(0.05, 1), (0.2, 3), (1.0, 7)])
def test_flags_find_planted_fraud_and_spare_the_decoys(
    store: Store, tmp_path: Path, scale: float, seed: int
) -> None:
    directory = tmp_path / "market"
    generate(directory, scale=scale, seed=seed)
    labels = json.loads((directory / "labels.json").read_text())
    summary = ingest(
        store, directory, batch_size=5000, rejects_dir=tmp_path / "r", scanner=default_scanner([])
    )
    assert summary.rejected == 0
    run = analyze(store, load_weights())

    flags = store.read(
        "MATCH (f:Flag) RETURN f.kind AS kind, f.score AS score, f.buyer_ids AS buyers, "
        "f.seller_ids AS sellers"
    )
    pair_flags = {
        (f["buyers"][0], f["sellers"][0]): f["score"] for f in flags if f["kind"] == "pair"
    }
    seller_flags = {f["sellers"][0] for f in flags if f["kind"] == "seller"}
    planted = ev.planted_pairs(labels)
    scored = {
        (r["b"], r["s"]): r["score"]
        for r in store.read(
            "MATCH (f:Flag {kind: 'pair'}) RETURN f.buyer_ids[0] AS b, f.seller_ids[0] AS s, "
            "f.score AS score"
        )
    }

    pairs = ev.metrics(pair_flags, planted)
    sellers = ev.metrics(seller_flags, labels["fraud_sellers"])
    ap = ev.average_precision(scored, planted)
    naive = ev.metrics(naive_flags(directory), planted)
    report: dict[str, Any] = {
        "scale": scale,
        "seed": seed,
        "run": run.run_id,
        "seconds": run.seconds,
        "pairs": pairs.as_dict(),
        "sellers": sellers.as_dict(),
        "pair_average_precision": ap,
        "naive_pairs": naive.as_dict(),
    }
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / f"analysis-quality-{scale:g}-{seed}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report))

    assert pairs.precision >= PAIR_PRECISION, report
    assert pairs.recall >= PAIR_RECALL, report
    assert ap >= PAIR_AP, report
    assert sellers.precision >= SELLER_PRECISION, report
    assert sellers.recall >= SELLER_RECALL, report
    # The naive rule drowns investigators in look-alike numbers and couriers' phones.
    assert naive.precision < pairs.precision - 0.3, report
    # Decoys: loyal repeat buyers, tire-kickers, refused solicitations, a phone given for a viewing
    # before an on-platform order. None of them may be flagged.
    for name, decoys in ev.decoy_pairs(labels).items():
        assert not decoys & set(pair_flags), (name, sorted(decoys & set(pair_flags)))
    courier = labels["decoys"]["courier"]
    assert (
        not (set(courier["seller_ids"]) | set(courier["email_seller_ids"]))
        - set(labels["fraud_sellers"])
        & seller_flags
    )
