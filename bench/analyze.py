"""Analysis run time and memory at several scales, beside a baseline in the same process.

For each scale: generate the demo marketplace (cached under .data/bench), empty the bench graph
(port 7689), ingest it, then time one analysis run in a child process whose peak memory is the
analysis's alone. The baseline, timed in that same child, is the naive rule as one Cypher scan
over every message body (a regex for phones and emails): the cheapest thing that reads the whole
corpus, so the ratio says what the link analysis costs beyond touching each message once.

    .venv/bin/python -m bench.analyze [--scales 1 5 15] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from bench.common import REPO, bench_store, machine, peak_rss_mb
from bench.ingest import data_dir, load_fresh
from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.ingest.loaders import default_scanner

NAIVE_SCAN = """
MATCH (m:Message)
WHERE m.body =~ '(?s).*(\\\\+?\\\\d[\\\\d\\\\s().-]{6,}\\\\d|[\\\\w.+-]+@[\\\\w-]+\\\\.[\\\\w.-]+).*'
MATCH (m)-[:IN]->(c:Conversation)
RETURN count(DISTINCT c) AS n
"""


def load(scale: float) -> dict[str, Any]:
    store = bench_store()
    summary = load_fresh(store, data_dir(scale), default_scanner([]))
    messages = next(f for f in summary.files if f.entity == "messages")
    store.close()
    return {"messages": messages.read, "ingest_s": round(summary.seconds, 1)}


def loaded() -> dict[str, Any]:
    """What the bench graph holds now (``--reuse``: measure again without ingesting again)."""
    store = bench_store()
    messages = store.count("MATCH (m:Message) RETURN count(m) AS n")
    store.close()
    return {"messages": messages, "ingest_s": "not run"}


def child() -> dict[str, Any]:
    store = bench_store()
    started = time.perf_counter()
    rows = store.read(NAIVE_SCAN)
    baseline_s = time.perf_counter() - started
    before = peak_rss_mb()
    summary = analyze(store, load_weights(), trigger="bench")
    result = {
        "analysis_s": summary.seconds,
        "stages": summary.stage_seconds,
        "counts": summary.counts,
        "baseline_s": round(baseline_s, 2),
        "baseline_pairs": rows[0]["n"],
        "peak_rss_mb": round(peak_rss_mb()),
        "rss_before_mb": round(before),
    }
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 5.0, 15.0])
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="analyse the graph as loaded (one scale: the one the last run loaded)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child()))
        return
    print(f"machine: {machine()}")
    previous: dict[str, Any] | None = None
    for scale in args.scales:
        data = loaded() if args.reuse else load(scale)
        done = subprocess.run(
            [sys.executable, "-m", "bench.analyze", "--child"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        result = {**data, **json.loads(done.stdout.strip().splitlines()[-1]), "scale": scale}
        flags = result["counts"]["flags"]
        print(
            f"\nscale {scale:g}: {result['messages']:,} messages (ingested in {result['ingest_s']} s)\n"
            f"  analysis {result['analysis_s']:.1f} s, peak RSS {result['peak_rss_mb']} MiB "
            f"(process at start {result['rss_before_mb']} MiB); stages {result['stages']}\n"
            f"  baseline regex scan {result['baseline_s']:.1f} s "
            f"(analysis/baseline {result['analysis_s'] / max(result['baseline_s'], 1e-9):.2f}x)\n"
            f"  {result['counts']['links']} links, {result['counts']['clusters']} clusters, "
            f"{flags['raised']} flags {flags['by_kind']}"
        )
        if previous is not None:
            grow = result["messages"] / previous["messages"]
            print(
                f"  growth vs scale {previous['scale']:g}: data x{grow:.1f}, "
                f"time x{result['analysis_s'] / previous['analysis_s']:.1f}, "
                f"memory x{result['peak_rss_mb'] / previous['peak_rss_mb']:.1f}"
            )
        previous = result


if __name__ == "__main__":
    main()
