"""The pre-send check under load: POST /scan for one message, beside its baselines in one run.

The texts are the demo marketplace's messages (scale 0.5, seed 7: mostly plain questions, a few
percent with a phone, an email, a handle or a cue), each sent with its sender's role and
country, as a messaging service would before delivering it. The API is served by uvicorn in a
subprocess (one worker), the load comes from another process (asyncio + httpx, ``--concurrency``
connections on loopback), one scenario at a time for ``--seconds`` after a 2 s warm-up.

Baselines in the same run: ``GET /health`` (no key, no Neo4j: the server and loopback alone),
``GET /me`` with the same service key (what authenticating a request costs: one Neo4j look-up),
and the scanner called in this process on the same texts (its own share of a request).

    .venv/bin/python -m bench.scan_api [--seconds 15] [--concurrency 8] [--port 8610]
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
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.api import _wait_ready
from bench.common import REPO, bench_settings, bench_store, machine
from bench.ingest import data_dir
from sidedeal.casework.common import Actor
from sidedeal.casework.keys import create_key
from sidedeal.ingest.readers import discover, iter_rows
from sidedeal.scanner import scan

BENCH = Actor(key_id="bench", name="bench/scan_api.py", role="admin", request_id="bench")
Request = tuple[str, str, dict[str, Any] | None]  # method, path, JSON body


def demo_messages(scale: float, limit: int) -> list[dict[str, Any]]:
    """The demo's messages as /scan bodies (text, sender role, the sender's country)."""
    files = {f.spec.name: f for f in discover(data_dir(scale))[0]}
    countries: dict[str, str | None] = {}
    for entity, key in (("sellers", "seller_id"), ("buyers", "buyer_id")):
        for row in iter_rows(files[entity]):
            countries[f"{entity[:-1]}:{row.values[key]}"] = row.values.get("country")
    parties: dict[str, tuple[str, str]] = {}
    for row in iter_rows(files["conversations"]):
        values = row.values
        parties[str(values["conversation_id"])] = (
            str(values["buyer_id"]),
            str(values["seller_id"]),
        )
    bodies = []
    for row in iter_rows(files["messages"]):
        values = row.values
        buyer, seller = parties[str(values["conversation_id"])]
        role = str(values["sender"])
        who = f"buyer:{buyer}" if role == "buyer" else f"seller:{seller}"
        bodies.append(
            {
                "text": values["body"],
                "country": countries.get(who),
                "sender_role": role,
                "conversation_id": values["conversation_id"],
            }
        )
        if len(bodies) >= limit:
            break
    return bodies


# --- the load generator (a separate process) ----------------------------------------------------


async def _worker(
    client: Any, requests: list[Request], headers: dict[str, str], until: float, out: list[float]
) -> int:
    errors = 0
    while time.perf_counter() < until:
        method, path, body = random.choice(requests)
        started = time.perf_counter()
        response = await client.request(method, path, json=body, headers=headers)
        out.append(time.perf_counter() - started)
        errors += response.status_code >= 400
    return errors


async def scenario(
    base: str, requests: list[Request], headers: dict[str, str], seconds: float, concurrency: int
) -> dict[str, Any]:
    """Latency percentiles and throughput of ``concurrency`` clients repeating ``requests``."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        warm: list[float] = []
        await asyncio.gather(
            *(_worker(client, requests, headers, time.perf_counter() + 2, warm) for _ in range(4))
        )
        latencies: list[float] = []
        started = time.perf_counter()
        until = started + seconds
        errors = await asyncio.gather(
            *(_worker(client, requests, headers, until, latencies) for _ in range(concurrency))
        )
        wall = time.perf_counter() - started
    return summarise(latencies, wall, sum(errors))


def summarise(latencies: list[float], wall: float, errors: int) -> dict[str, Any]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
    }


def load(spec: dict[str, Any]) -> dict[str, Any]:
    results = {}
    for name, requests in spec["scenarios"].items():
        headers = {} if name == "health" else {"X-API-Key": spec["key"]}
        results[name] = asyncio.run(
            scenario(spec["base"], requests, headers, spec["seconds"], spec["concurrency"])
        )
    return results


# --- the orchestration -------------------------------------------------------------------------


def serve(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEO4J_URI": bench_settings().neo4j_uri}
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sidedeal.api.main:app", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=REPO, env=env,
    )  # fmt: skip


def run_load(module: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Run ``module --load SPEC_FILE`` in another process; its JSON result."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    try:
        done = subprocess.run(
            [sys.executable, "-m", module, "--load", handle.name],
            cwd=REPO, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        Path(handle.name).unlink()
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def in_process(bodies: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """The scanner alone on the same texts, one at a time, in this process."""
    latencies: list[float] = []
    started = time.perf_counter()
    until = started + seconds
    while time.perf_counter() < until:
        body = random.choice(bodies)
        begun = time.perf_counter()
        scan(body["text"], body["country"])
        latencies.append(time.perf_counter() - begun)
    return summarise(latencies, time.perf_counter() - started, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8610)
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--load", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(json.loads(Path(args.load).read_text()))))
        return

    print(f"machine: {machine()}")
    random.seed(7)
    bodies = demo_messages(args.scale, 20_000)
    found = sum(1 for b in bodies if scan(b["text"], b["country"]))
    print(f"texts: {len(bodies)} demo messages (scale {args.scale:g}), {found} with a finding")
    store = bench_store()
    key = create_key(store, "service", "bench scan", BENCH).key
    store.close()
    base = f"http://127.0.0.1:{args.port}"
    server = serve(args.port)
    try:
        _wait_ready(base, server)
        spec = {
            "base": base,
            "key": key,
            "seconds": args.seconds,
            "concurrency": args.concurrency,
            "scenarios": {
                "health": [("GET", "/health", None)],
                "me": [("GET", "/me", None)],
                "scan": [("POST", "/scan", body) for body in bodies],
            },
        }
        results = run_load("bench.scan_api", spec)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results["scanner in-process"] = in_process(bodies, min(args.seconds, 5.0))
    print(
        f"\nuvicorn, 1 worker; {args.concurrency} connections from another process, "
        f"{args.seconds:g} s per scenario after a 2 s warm-up"
    )
    header = ("scenario", "req", "err", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print("{:20s} {:>7s} {:>4s} {:>8s} {:>7s} {:>7s} {:>7s}".format(*header))
    for name, r in results.items():
        print(
            f"{name:20s} {r['requests']:>7d} {r['errors']:>4d} {r['rps']:>8.1f} "
            f"{r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['p99_ms']:>7.2f}"
        )
    goal = results["scan"]["p99_ms"] < 25
    print(
        f"\ngoal p99 < 25 ms for one message at {args.concurrency} clients: {'met' if goal else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
