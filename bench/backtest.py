"""Backtest time beside a full analysis run on the same graph (goal: backtest <= 2x analysis).

For each scale: the demo marketplace (seed 7, cached under .data/bench) is ingested into an
emptied bench graph, the pair flags are decided by the labels (planted: confirmed, else
dismissed), then, alternating, a full analysis run with the active (seed) weights and a backtest
of a candidate (threshold 0.7) against them are timed ``--repeat`` times each; the best of each
counts (the first meets a cold JVM and cold caches). Both run in this one process.

    SIDEDEAL_BENCH_NEO4J_URI=bolt://127.0.0.1:7694 .venv/bin/python -m bench.backtest --scales 1 5
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench.common import bench_store, machine, peak_rss_mb
from bench.ingest import data_dir, load_fresh
from sidedeal.analysis.config import DEFAULT_FILE, parse_weights
from sidedeal.analysis.run import analyze
from sidedeal.casework import decisions
from sidedeal.casework import weights as versions
from sidedeal.casework.common import Actor
from sidedeal.ingest.loaders import default_scanner

BENCH = Actor(key_id="bench", name="bench.backtest", role="admin", request_id="bench")


def decide_by_labels(store: Any, labels: dict[str, Any]) -> tuple[int, int]:
    planted = {f"pair:{p['buyer_id']}:{p['seller_id']}" for p in labels["off_platform_pairs"]}
    rows = store.read("MATCH (f:Flag {kind: 'pair'}) RETURN f.flag_id AS id")
    confirmed = 0
    for row in rows:
        verdict: decisions.Decision = "confirmed" if row["id"] in planted else "dismissed"
        confirmed += verdict == "confirmed"
        decisions.decide(store, row["id"], verdict, "bench: by the labels", BENCH, months=12)
    return confirmed, len(rows) - confirmed


def one_scale(scale: float, repeat: int) -> dict[str, Any]:
    store = bench_store()
    folder = data_dir(scale)
    summary = load_fresh(store, folder, default_scanner([]))
    messages = next(f for f in summary.files if f.entity == "messages").read
    active = versions.active_weights(store)
    analyze(store, active, full=True, trigger="bench")
    confirmed, dismissed = decide_by_labels(store, json.loads((folder / "labels.json").read_text()))
    candidate = parse_weights(
        DEFAULT_FILE.read_text(encoding="utf-8").replace("threshold = 0.5", "threshold = 0.7")
    )
    analysis_s: list[float] = []
    backtest_s: list[float] = []
    report = None
    for _ in range(repeat):
        started = time.perf_counter()
        analyze(store, active, full=True, trigger="bench")
        analysis_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = versions.run_backtest(store, "threshold-0.7", candidate)
        backtest_s.append(time.perf_counter() - started)
    store.close()
    assert report is not None
    return {
        "scale": scale,
        "messages": messages,
        "decided": (confirmed, dismissed),
        "analysis_s": [round(s, 2) for s in analysis_s],
        "backtest_s": [round(s, 2) for s in backtest_s],
        "stages": report.stage_seconds,
        "report": report,
        "peak_rss_mb": round(peak_rss_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 5.0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for scale in args.scales:
        r = one_scale(scale, args.repeat)
        best_a, best_b = min(r["analysis_s"]), min(r["backtest_s"])
        rep = r["report"]
        d = rep.decided
        print(
            f"\nscale {scale:g}: {r['messages']:,} messages; pair flags decided "
            f"{r['decided'][0]} confirmed / {r['decided'][1]} dismissed\n"
            f"  full analysis {r['analysis_s']} s, backtest {r['backtest_s']} s: best "
            f"{best_a:.2f} s vs {best_b:.2f} s = {best_b / best_a:.2f}x (goal <= 2x)\n"
            f"  backtest stages {r['stages']}; peak RSS {r['peak_rss_mb']} MiB\n"
            f"  candidate threshold 0.7: raised {rep.raised}, cleared {rep.cleared}, "
            f"unchanged {rep.unchanged}, top-{rep.top_size} overlap {rep.top_overlap}\n"
            f"  decided: confirmed lost {len(d['confirmed_lost'])}, dismissed still raised "
            f"{len(d['dismissed_still_raised'])}; precision/recall active "
            f"{d['active']['precision']}/{d['active']['recall']}, candidate "
            f"{d['candidate']['precision']}/{d['candidate']['recall']}"
        )


if __name__ == "__main__":
    main()
