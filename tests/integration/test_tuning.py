"""`sidedeal tune` against a real Neo4j: a generated marketplace decided by its labels (a script
playing the investigator, wrong on a few flags), a candidate tuned on part of the decisions,
proposed and backtested, beating the weights on the decisions it never saw; and the refusal below
the minimum number of decisions.

On the demo the repository's seed weights are already near perfect on what they raise (held-back
AUC 1.0 at the scale and seed below: nothing to beat, see bench/RESULTS.md). The story the issue
tells is a weights change that went live unseen: here the active version over-weighs a buyer's
contact details, solicitation cues and silence, the queue fills with innocent pairs, the
investigator dismisses them, and the tuned candidate has to win back the ranking, against that
active version and against the seed itself."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from sidedeal.analysis import tune as fitting
from sidedeal.analysis.config import DEFAULT_FILE, Weights
from sidedeal.analysis.evaluate import DEGRADED, true_flags
from sidedeal.analysis.run import analyze
from sidedeal.casework import decisions
from sidedeal.casework import weights as versions
from sidedeal.casework.common import Actor
from sidedeal.casework.tuning import read_decisions, tune
from sidedeal.demo import generate
from sidedeal.errors import BadInput
from sidedeal.graph.store import Store
from sidedeal.ingest.loaders import default_scanner
from sidedeal.ingest.pipeline import ingest
from sidedeal.settings import Settings
from tests.integration.test_learning_cli import env

ADMIN = Actor(key_id="k-admin", name="ana", role="admin", request_id="req-1")
# A demo seed no other test or measurement uses.
SEED, SCALE = 13, 0.3
NOISE = 0.03


@pytest.fixture
def labelled_market(store: Store, tmp_path: Path) -> dict[str, Any]:
    """The demo analysed with the degraded version active; every flag's verdict by the labels
    (NOISE of them the other way), split into 60% decided now and 40% held back."""
    directory = tmp_path / "market"
    generate(directory, scale=SCALE, seed=SEED)
    labels = json.loads((directory / "labels.json").read_text())
    ingest(
        store, directory, batch_size=5000, rejects_dir=tmp_path / "r", scanner=default_scanner([])
    )
    assert versions.active(store)[0].version == "v1"  # the seed
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    for old, new in DEGRADED.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    degraded = versions.propose(store, text, "bob", "unseen change", ADMIN).version.version
    versions.activate(store, degraded, "went live unseen", ADMIN)
    analyze(store, versions.active_weights(store))
    truth = true_flags(store, labels)
    flags = sorted(r["id"] for r in store.read("MATCH (f:Flag) RETURN f.flag_id AS id"))
    rng = random.Random(SEED)
    verdicts = {
        f: "confirmed" if (f in truth) != (rng.random() < NOISE) else "dismissed" for f in flags
    }
    rng.shuffle(flags)
    cut = int(len(flags) * 0.6)
    return {"verdicts": verdicts, "train": flags[:cut], "held": flags[cut:], "degraded": degraded}


def decide(store: Store, verdicts: dict[str, str], flags: list[str]) -> None:
    for flag_id in flags:
        decisions.decide(store, flag_id, verdicts[flag_id], "by the labels", ADMIN, months=12)  # type: ignore[arg-type]


def held_auc(decided: list[fitting.Decision], weights: Weights) -> float:
    labels = np.array([d.confirmed for d in decided], dtype=float)
    scores = fitting.rank_scores(decided, fitting.factor_keys(weights))
    return float(roc_auc_score(labels, scores))


def test_tune_refuses_then_fits_a_candidate_that_beats_the_weights_on_held_back_decisions(
    store: Store, labelled_market: dict[str, Any], tmp_path: Path
) -> None:
    m = labelled_market
    verdicts, train, held = m["verdicts"], m["train"], m["held"]
    with pytest.raises(BadInput, match="found 0 "):
        tune(store)
    decide(store, verdicts, train)
    assert len(train) >= 50
    with pytest.raises(BadInput, match=f"at least {len(train) + 1} .* found {len(train)} "):
        tune(store, min_decisions=len(train) + 1)

    report, text = tune(store, min_decisions=50)
    assert report.decisions == len(train) and report.active_version == m["degraded"]
    assert report.confirmed == sum(verdicts[f] == "confirmed" for f in train)
    cv = report.cross_validation
    assert cv["candidate"].auc > cv["active"].auc
    assert cv["candidate"].precision_at_k >= cv["active"].precision_at_k
    assert report.better
    tuned = {w.key: w for w in report.weights}
    # The dismissals taught it that solicitation cues say little; keys no decision carries keep
    # the active value, as the report says.
    assert tuned["pair.cue.solicitation"].candidate < 0.6
    assert tuned["pair.cue.zelle"].kept_active and tuned["pair.cue.zelle"].candidate == 0.3
    # Tuning activates nothing and writes no version.
    assert versions.active(store)[0].version == m["degraded"]
    assert len(versions.list_versions(store)) == 2

    path = tmp_path / "candidate.toml"
    path.write_text(text, encoding="utf-8")
    candidate = versions.propose(store, text, "tune", "fitted", ADMIN).version.version
    # The held-back flags are decided only now: the fit never saw them.
    decide(store, verdicts, held)
    backtest = versions.run_backtest(
        store, candidate, versions.version_weights(store, candidate)
    ).decided
    held_set = set(held)
    confirmed = {f for f in held if verdicts[f] == "confirmed"}
    lost = set(backtest["confirmed_lost"]) & held_set
    still = set(backtest["dismissed_still_raised"]) & held_set
    active_precision = len(confirmed) / len(held)  # the active version raised every held flag
    kept = len(confirmed - lost)
    candidate_precision = kept / (kept + len(still))
    assert candidate_precision > active_precision
    assert kept / len(confirmed) >= 0.8, (kept, len(confirmed))

    decided, _ = read_decisions(store, versions.active_weights(store))
    on_held = [d for d in decided if d.flag_id in held_set]
    fitted = versions.version_weights(store, candidate)
    seed = versions.version_weights(store, "v1")
    active = versions.version_weights(store, m["degraded"])
    assert held_auc(on_held, fitted) > held_auc(on_held, active)
    assert held_auc(on_held, fitted) > held_auc(on_held, seed)


def test_tune_from_the_command_line(
    store: Store, settings: Settings, labelled_market: dict[str, Any], tmp_path: Path
) -> None:
    m = labelled_market
    decide(store, m["verdicts"], m["train"])
    out = tmp_path / "candidate.toml"

    def sidedeal(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sidedeal.cli", *args],
            env=env(settings),
            capture_output=True,
            text=True,
            timeout=300,
        )

    refused = sidedeal("tune", "--out", str(out), "--min-decisions", "1000")
    assert refused.returncode == 1 and not out.exists()
    assert f"found {len(m['train'])} " in " ".join(refused.stderr.split())

    done = sidedeal("tune", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["decisions"] == len(m["train"])
    assert set(report["cross_validation"]) == {"active", "candidate"}
    assert {"weights", "kept_active", "at_bound", "better"} <= set(report)
    assert {"auc", "precision_at_k"} <= set(report["cross_validation"]["candidate"])
    assert "sidedeal tune" in out.read_text().splitlines()[0]
    proposed = sidedeal("weights", "propose", str(out), "--note", "tuned")
    assert proposed.returncode == 0 and "stored as v3" in proposed.stdout
    backtest = sidedeal("backtest", "--weights", "v3", "--json")
    assert backtest.returncode == 0 and json.loads(backtest.stdout)["candidate"] == "v3"
