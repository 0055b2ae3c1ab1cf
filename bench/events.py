"""Streaming events under load: POST /events, one message at a time and in batches.

The demo marketplace (scale 0.5, seed 7) is split in two: its accounts, listings and contacts
and the first half (``--history``) of its conversations, messages and orders by time are
ingested and analysed (a live system's past, analysed by the periodic run); the rest, in time
order, is sent through ``POST /events`` by a service key, as the marketplace would send it when it
happens. Each request writes its events and scores their pairs and sellers again before it
answers. The API is served by uvicorn in a subprocess (one worker); the load comes from another
process.

1. **Single message events** at ``--concurrency`` clients (4) for ``--seconds``: latency
   percentiles (the goal: p95 < 50 ms).
2. **Batches** of ``--batch`` events (500) from two clients until the stream ends or
   ``--seconds`` pass: events per second (the goal: >= 1,000/s).

Baselines in the same run: ``GET /health`` at the same concurrency (the server and loopback
alone), and the same batches of messages written by ``sidedeal ingest``'s own loader in this
process (no HTTP, no receipts: what the graph work costs).

    .venv/bin/python -m bench.events [--seconds 15] [--concurrency 4] [--batch 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import shutil
import time
from pathlib import Path
from typing import Any

from bench.api import _wait_ready
from bench.common import REPO, bench_store, machine
from bench.ingest import data_dir
from bench.scan_api import run_load, scenario, serve, summarise
from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.casework.common import Actor
from sidedeal.casework.keys import create_key
from sidedeal.graph import schema
from sidedeal.graph.store import Store
from sidedeal.ingest.events import apply_events
from sidedeal.ingest.loaders import default_scanner
from sidedeal.ingest.pipeline import ingest
from sidedeal.ingest.readers import discover, iter_rows

BENCH = Actor(key_id="bench", name="bench/events.py", role="admin", request_id="bench")
BEFORE_THE_STREAM = ("sellers", "buyers", "listings", "conversations", "contacts")
ORDER = ["conversations", "messages", "orders"]


def prepare(store: Store, scale: float, history: float) -> list[dict[str, Any]]:
    """Empty the graph; ingest the accounts, listings and contacts and the first ``history``
    share of what happened (conversations, messages, orders by time), and analyse it (a live
    system has its past analysed by the periodic run); return the rest, in time order, as the
    stream's events."""
    folder = data_dir(scale)
    files = {f.spec.name: f for f in discover(folder)[0]}
    base = REPO / ".data" / "bench" / f"events-base-{scale:g}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    for name in BEFORE_THE_STREAM:
        if name != "conversations":
            (base / files[name].path.name).symlink_to(files[name].path)
    timed = []
    for entity, when in (("conversations", "started_at"), ("messages", "sent_at"),
                         ("orders", "placed_at")):  # fmt: skip
        for row in iter_rows(files[entity]):
            timed.append((row.values.get(when) or "", entity, row.values))
    timed.sort(key=lambda item: (item[0], ORDER.index(item[1])))
    cut = int(len(timed) * history)
    handles = {e: (base / f"{e}.jsonl").open("w") for e in ("conversations", "messages", "orders")}
    for _, entity, values in timed[:cut]:
        handles[entity].write(json.dumps(values) + "\n")
    for handle in handles.values():
        handle.close()
    schema.reset(store)
    ingest(
        store,
        base,
        batch_size=5000,
        rejects_dir=REPO / ".data" / "bench" / "rejects",
        scanner=default_scanner([]),
    )
    analyze(store, load_weights(), full=True, trigger="bench")
    return [{"type": entity[:-1], "data": values} for _, entity, values in timed[cut:]]


# --- the load generator (a separate process) ----------------------------------------------------


async def _send(client: Any, queue: list[dict[str, Any]], headers: dict[str, str],
                size: int, until: float, out: list[float], counts: dict[str, int],
                messages: list[float]) -> None:  # fmt: skip
    while queue and time.perf_counter() < until:
        batch = [queue.pop(0) for _ in range(min(size, len(queue)))]
        started = time.perf_counter()
        response = await client.post("/events", json={"events": batch}, headers=headers)
        out.append(time.perf_counter() - started)
        if size == 1 and batch[0]["type"] == "message":
            messages.append(out[-1])
        if response.status_code != 200:
            counts["errors"] += len(batch)
            continue
        answer = response.json()
        for status in ("accepted", "duplicate", "rejected"):
            counts[status] += answer[status]
        for item in answer["data"]:
            if item["reason"]:
                reason = re.sub(r"'[^']*'", "'...'", item["reason"])
                counts[f"reason: {reason}"] = counts.get(f"reason: {reason}", 0) + 1


async def stream(base: str, key: str, events: list[dict[str, Any]], size: int,
                 clients: int, seconds: float) -> dict[str, Any]:  # fmt: skip
    import httpx

    headers = {"X-API-Key": key}
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0, "errors": 0}
    latencies: list[float] = []
    messages: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(
            *(
                _send(client, events, headers, size, until, latencies, counts, messages)
                for _ in range(clients)
            )
        )
        wall = time.perf_counter() - started
    result = summarise(latencies, wall, counts["errors"])
    total = sum(v for k, v in counts.items() if not k.startswith("reason: "))
    result.update(counts, events_per_s=round(total / wall, 1))
    if messages:
        result["messages"] = summarise(messages, wall, 0)
    return result


def load(spec: dict[str, Any]) -> dict[str, Any]:
    events: list[dict[str, Any]] = spec["events"]
    # Single events: the stream's first events, one per request, in order (a message whose
    # conversation has not been sent yet is rejected, as it would be live: counted, not hidden).
    single = events[: spec["single_limit"]]
    rest = events[len(single) :]
    results = {
        "health": asyncio.run(
            scenario(spec["base"], [("GET", "/health", None)], {}, 5, spec["concurrency"])
        ),
        "single event": asyncio.run(
            stream(spec["base"], spec["key"], single, 1, spec["concurrency"], spec["seconds"])
        ),
        f"batches of {spec['batch']}": asyncio.run(
            stream(spec["base"], spec["key"], rest, spec["batch"], 2, spec["seconds"])
        ),
    }
    return results


# --- the orchestration -------------------------------------------------------------------------


def baseline(store: Store, events: list[dict[str, Any]], batch: int) -> dict[str, Any]:
    """The events' own writes without HTTP and without the re-score: the stream's last
    ``4 x batch`` events (which the timed parts do not reach), through ingest's loaders in this
    process, before the API starts."""
    tail = events[-batch * 4 :]
    accepted = 0
    started = time.perf_counter()
    for start in range(0, len(tail), batch):
        result = apply_events(store, tail[start : start + batch], default_scanner([]))
        accepted += result.count("accepted")
    wall = time.perf_counter() - started
    return {"events": len(tail), "accepted": accepted, "events_per_s": round(len(tail) / wall, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--history", type=float, default=0.5, help="share ingested first")
    parser.add_argument("--port", type=int, default=8611)
    parser.add_argument("--load", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(json.loads(Path(args.load).read_text()))))
        return

    print(f"machine: {machine()}")
    random.seed(7)
    store = bench_store()
    events = prepare(store, args.scale, args.history)
    key = create_key(store, "service", "bench events", BENCH).key
    loader = baseline(store, events, args.batch)
    print(
        f"stream: the last {len(events)} conversations, messages and orders of the demo "
        f"(scale {args.scale:g}), after the first {args.history:.0%} were ingested and analysed"
    )
    base = f"http://127.0.0.1:{args.port}"
    server = serve(args.port)
    try:
        _wait_ready(base, server)
        spec = {
            "base": base,
            "key": key,
            "events": events,
            "seconds": args.seconds,
            "concurrency": args.concurrency,
            "batch": args.batch,
            "single_limit": 6000,
        }
        results = run_load("bench.events", spec)
    finally:
        server.terminate()
        server.wait(timeout=30)
    passes = store.read(
        "MATCH (r:Run {mode: 'pairs', trigger: 'events'}) RETURN r.seconds AS s, "
        "size(coalesce(r.counts, '')) AS n ORDER BY r.started_at"
    )
    store.close()
    print(f"\nuvicorn, 1 worker; load from another process, {args.seconds:g} s per part")
    header = ("part", "req", "err", "events/s", "p50 ms", "p95 ms", "p99 ms", "accepted", "refused")
    print("{:22s} {:>6s} {:>4s} {:>9s} {:>7s} {:>7s} {:>7s} {:>9s} {:>8s}".format(*header))
    rows = dict(results)
    if "messages" in results["single event"]:
        rows["  of which messages"] = results["single event"]["messages"]
    for name, r in rows.items():
        print(
            f"{name:22s} {r['requests']:>6d} {r['errors']:>4d} "
            f"{r.get('events_per_s', r['rps']):>9.1f} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} "
            f"{r['p99_ms']:>7.2f} {r.get('accepted', ''):>9} {r.get('rejected', ''):>8}"
        )
    print(
        f"{'writes in-process':22s} batches of {args.batch}, no HTTP, no re-score: "
        f"{loader['events_per_s']:.1f} events/s ({loader['accepted']} of {loader['events']} accepted)"
    )
    seconds = sorted(float(p["s"] or 0) for p in passes)
    if seconds:
        middle, high = seconds[len(seconds) // 2], seconds[int(len(seconds) * 0.95)]
        print(
            f"background re-score: {len(seconds)} passes, {middle:.2f} s median, {high:.2f} s "
            "p95 (a flag follows its event by up to about two passes)"
        )
    single = results["single event"].get("messages", results["single event"])
    for name, r in results.items():
        for key, n in r.items():
            if key.startswith("reason: "):
                print(f"refused in {name}: {n} x {key.removeprefix('reason: ')}")
    batched = results[f"batches of {args.batch}"]
    print(
        f"\ngoals: p95 < 50 ms for a single message at {args.concurrency} clients: "
        f"{'met' if single['p95_ms'] < 50 else 'NOT met'} ({single['p95_ms']} ms); "
        f">= 1,000 events/s in batches: "
        f"{'met' if batched['events_per_s'] >= 1000 else 'NOT met'} ({batched['events_per_s']})"
    )


if __name__ == "__main__":
    main()
