"""API latency under load: the flag queue, a pair detail and a depth-2 network, beside /health.

The demo marketplace at scale 10 (generated once, cached under .data/bench) is ingested and
analysed into the bench Neo4j once; later runs find it there (``--reload`` forces it). The API is
served by uvicorn in a subprocess (one worker), and a load generator in another process (asyncio
+ httpx, ``--concurrency`` connections on loopback) calls one scenario at a time for
``--seconds`` after a warm-up, at each concurrency. Per scenario it prints p50/p95/p99 latency
and requests/s; the ``/health`` baseline (no key, no Neo4j) shows what the server and the loopback cost alone.

Reads use an investigator key, so every queue, pair and network response also writes its audit
event, as in production.

    .venv/bin/python -m bench.api [--scale 10] [--seconds 15] [--concurrency 1 4 8] [--workers 1]
                                  [--reload]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.common import REPO, bench_settings, bench_store, machine
from bench.ingest import data_dir, load_fresh
from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.casework.common import Actor
from sidedeal.casework.keys import create_key
from sidedeal.graph.store import Store
from sidedeal.ingest.loaders import default_scanner

BENCH = Actor(key_id="bench", name="bench/api.py", role="admin", request_id="bench")

LOADED = """
MATCH (i:IngestRun {directory: $directory, status: 'completed'})
MATCH (r:Run {status: 'completed'})
RETURN count(*) AS n
"""
PAIRS = """
MATCH (f:Flag {kind: 'pair'}) RETURN f.buyer_ids[0] AS buyer, f.seller_ids[0] AS seller
ORDER BY f.score DESC LIMIT 200
"""
SELLERS = """
MATCH (f:Flag {kind: 'seller'}) RETURN f.seller_ids[0] AS seller ORDER BY f.score DESC LIMIT 100
"""


def ensure_loaded(store: Store, scale: float, reload: bool) -> dict[str, Any]:
    folder = data_dir(scale)
    if not reload and store.count(LOADED, {"directory": str(folder)}) > 0:
        return {"loaded_now": False}
    summary = load_fresh(store, folder, default_scanner([]))
    run = analyze(store, load_weights(), trigger="bench")
    return {"loaded_now": True, "ingest_s": round(summary.seconds), "analysis_s": run.seconds}


def graph_size(store: Store) -> dict[str, int]:
    rows = store.read(
        "CALL () { MATCH (m:Message) RETURN count(m) AS messages } "
        "CALL () { MATCH (a:Account) RETURN count(a) AS accounts } "
        "CALL () { MATCH (f:Flag) RETURN count(f) AS flags } "
        "RETURN messages, accounts, flags"
    )
    return {k: int(v) for k, v in rows[0].items()}


# --- the load generator (a separate process) ----------------------------------------------------


async def _worker(
    client: Any, urls: list[str], headers: dict[str, str], until: float, out: list[float]
) -> int:
    errors = 0
    while time.perf_counter() < until:
        url = random.choice(urls)
        started = time.perf_counter()
        response = await client.get(url, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            errors += 1
        out.append(elapsed)
    return errors


async def _scenario(
    base: str, urls: list[str], headers: dict[str, str], seconds: float, concurrency: int
) -> dict[str, Any]:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        warm: list[float] = []
        await asyncio.gather(
            *(_worker(client, urls, headers, time.perf_counter() + 2, warm) for _ in range(4))
        )
        latencies: list[float] = []
        started = time.perf_counter()
        until = started + seconds
        errors = await asyncio.gather(
            *(_worker(client, urls, headers, until, latencies) for _ in range(concurrency))
        )
        wall = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "errors": sum(errors),
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }


def load(spec: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for concurrency in spec["concurrency"]:
        for name, urls in spec["scenarios"].items():
            headers = {} if name == "health" else {"X-API-Key": spec["key"]}
            results[f"{concurrency}:{name}"] = asyncio.run(
                _scenario(spec["base"], urls, headers, spec["seconds"], concurrency)
            )
    return results


# --- the orchestration -------------------------------------------------------------------------


def _wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("uvicorn exited; see its output above")
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the API at {base} was not ready within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(json.loads(args.load))))
        return

    print(f"machine: {machine()}")
    store = bench_store()
    loaded = ensure_loaded(store, args.scale, args.reload)
    size = graph_size(store)
    print(f"graph (scale {args.scale:g}): {size}; {loaded}")
    key = create_key(store, "investigator", "bench", BENCH).key
    random.seed(7)
    pairs = store.read(PAIRS)
    sellers = store.read(SELLERS)
    store.close()
    base = f"http://127.0.0.1:{args.port}"
    scenarios = {
        "health": ["/health"],
        "queue": [
            "/flags?status=open&limit=50",
            "/flags?status=open&kind=pair&min_score=0.5&limit=50",
            "/flags?status=open&sort=newest&limit=50&offset=50",
        ],
        "pair_detail": [f"/pairs/{p['buyer']}/{p['seller']}" for p in pairs],
        "network_depth2": [f"/sellers/{s['seller']}/network?depth=2&limit=200" for s in sellers],
    }
    env = {**os.environ, "NEO4J_URI": bench_settings().neo4j_uri}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sidedeal.api.main:app", "--port", str(args.port),
         "--log-level", "warning", "--no-access-log", "--workers", str(args.workers)],
        cwd=REPO,
        env=env,
    )  # fmt: skip
    try:
        _wait_ready(base, server)
        spec = {
            "base": base,
            "key": key,
            "scenarios": scenarios,
            "seconds": args.seconds,
            "concurrency": args.concurrency,
        }
        done = subprocess.run(
            [sys.executable, "-m", "bench.api", "--load", json.dumps(spec)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"\nuvicorn, {args.workers} worker(s); load from another process, "
        f"{args.seconds:g} s per scenario after a 2 s warm-up"
    )
    header = ("conns", "scenario", "req", "err", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print("{:>5s} {:16s} {:>6s} {:>4s} {:>7s} {:>7s} {:>7s} {:>7s}".format(*header))
    for label, r in results.items():
        conns, name = label.split(":")
        print(
            f"{conns:>5s} {name:16s} {r['requests']:>6d} {r['errors']:>4d} {r['rps']:>7.1f} "
            f"{r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f}"
        )


if __name__ == "__main__":
    main()
