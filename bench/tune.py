"""`sidedeal tune` on a demo marketplace the tests and development never used.

For each scenario the demo (``--seed``, ``--scale``) is ingested into an emptied bench graph and
analysed with the active version: ``seed`` (the repository's weights.toml) or ``degraded`` (an
unseen change that over-weighs a buyer's contact details, solicitation cues and silence, as in
tests/integration/test_tuning.py). Every flag is decided by the labels (planted pairs, the
generator's fraudulent sellers, clusters holding one), ``--noise`` of them the other way; tune
runs on a random 60% and its candidate is proposed; the other 40% are decided only then and
backtested: precision / recall of the held-back decisions under the active version and the
candidate, and their AUC (ranked by ``-ln(1 - score)``) under the active version, the seed and
the candidate.

    SIDEDEAL_BENCH_NEO4J_URI=bolt://127.0.0.1:7721 .venv/bin/python -m bench.tune --seed 57
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from bench.common import bench_store, machine
from bench.ingest import data_dir, load_fresh
from sidedeal.analysis import tune as fitting
from sidedeal.analysis.config import DEFAULT_FILE
from sidedeal.analysis.evaluate import DEGRADED, true_flags
from sidedeal.analysis.run import analyze
from sidedeal.casework import decisions
from sidedeal.casework import weights as versions
from sidedeal.casework.common import Actor
from sidedeal.casework.tuning import read_decisions, tune
from sidedeal.ingest.loaders import default_scanner

BENCH = Actor(key_id="bench", name="bench.tune", role="admin", request_id="bench")


def scenario(name: str, scale: float, seed: int, noise: float) -> dict[str, Any]:
    store = bench_store()
    folder = data_dir(scale, seed)
    load_fresh(store, folder, default_scanner([]))
    versions.active(store)
    if name == "degraded":
        text = DEFAULT_FILE.read_text(encoding="utf-8")
        for old, new in DEGRADED.items():
            text = text.replace(old, new)
        version = versions.propose(store, text, "bench", "degraded", BENCH).version.version
        versions.activate(store, version, "bench: degraded", BENCH)
    active_version, active = versions.active(store)
    analyze(store, active, full=True, trigger="bench")
    truth = true_flags(store, json.loads((folder / "labels.json").read_text()))
    flags = sorted(r["id"] for r in store.read("MATCH (f:Flag) RETURN f.flag_id AS id"))
    rng = random.Random(seed)
    verdicts = {
        f: "confirmed" if (f in truth) != (rng.random() < noise) else "dismissed" for f in flags
    }
    rng.shuffle(flags)
    cut = int(len(flags) * 0.6)
    train, held = flags[:cut], set(flags[cut:])
    for f in train:
        decisions.decide(store, f, verdicts[f], "bench", BENCH, months=12)  # type: ignore[arg-type]
    started = time.perf_counter()
    report, text = tune(store, min_decisions=50)
    tune_s = time.perf_counter() - started
    candidate = versions.propose(store, text, "bench", "tuned", BENCH).version.version
    for f in sorted(held):
        decisions.decide(store, f, verdicts[f], "bench", BENCH, months=12)  # type: ignore[arg-type]
    weights = versions.version_weights(store, candidate)
    backtest = versions.run_backtest(store, candidate, weights).decided
    confirmed = {f for f in held if verdicts[f] == "confirmed"}
    kept = len(confirmed - set(backtest["confirmed_lost"]))
    still = len(held & set(backtest["dismissed_still_raised"]) - confirmed)
    decided, _ = read_decisions(store, active)
    on_held = [d for d in decided if d.flag_id in held]
    labels = np.array([d.confirmed for d in on_held], dtype=float)

    def auc(w: Any) -> float | None:
        if labels.min() == labels.max():
            return None
        scores = fitting.rank_scores(on_held, fitting.factor_keys(w))
        return round(float(roc_auc_score(labels, scores)), 4)

    cv = report.cross_validation
    return {
        "scenario": name,
        "active": active_version.version,
        "flags": len(flags),
        "train": len(train),
        "train_confirmed": report.confirmed,
        "held": len(held),
        "held_confirmed": len(confirmed),
        "tune_s": round(tune_s, 2),
        "cv_auc": {"active": cv["active"].auc, "candidate": cv["candidate"].auc},
        "cv_precision_at_k": {
            "k": report.k,
            "active": cv["active"].precision_at_k,
            "candidate": cv["candidate"].precision_at_k,
        },
        "held_auc": {
            "active": auc(active),
            "seed": auc(versions.version_weights(store, "v1")),
            "candidate": auc(weights),
        },
        "held_precision": {
            "active": round(len(confirmed) / len(held), 4),
            "candidate": round(kept / (kept + still), 4) if kept + still else None,
        },
        "held_recall": {"active": 1.0, "candidate": round(kept / len(confirmed), 4)},
        "moved": {w.key: [w.active, w.candidate] for w in report.weights if not w.kept_active},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--noise", type=float, default=0.03)
    args = parser.parse_args()
    print(machine())
    for name in ("seed", "degraded"):
        print(json.dumps(scenario(name, args.scale, args.seed, args.noise), indent=1), flush=True)


if __name__ == "__main__":
    main()
