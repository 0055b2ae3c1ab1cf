"""Explorer page load times in headless Chromium, over the demo marketplace at scale 10.

The bench Neo4j (``SIDEDEAL_BENCH_NEO4J_URI``, started from its store if it is stopped) holds the
scale-10 demo data, loaded and analysed once (see bench/api.py). The API (uvicorn, one worker) and
the explorer (`sidedeal dashboard`) run as subprocesses on free ports, as in production; Playwright
drives Debian's Chromium and times, from navigation to:

- queue: the queue table rendered (`/`, 50 open flags by score);
- flag: a pair flag's first highlighted finding (`/flag?flag_id=...`, the top pair flags);
- network: the graph drawn and its layout settled (`/network?seller=...&depth=2`, top sellers);

beside two baselines in the same run: an empty Streamlit page (what Streamlit itself costs to
start a session and render) and the API calls alone (httpx, what the data costs). Each figure is
the median of ``--repeats`` loads in fresh tabs after one warm-up load.

    SIDEDEAL_BENCH_NEO4J_URI=bolt://127.0.0.1:7691 .venv/bin/python -m bench.dashboard [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.api import BENCH, PAIRS, SELLERS, ensure_loaded, graph_size
from bench.common import REPO, bench_settings, bench_store, machine
from sidedeal.casework.keys import create_key

# What Chromium needs on these machines (a closed network; root): see tests/e2e/conftest.py.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
BLANK = 'import streamlit as st\nst.title("baseline")\nst.write("ready")\n'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(command: list[str], env: dict[str, str], health: str, log: Path) -> Iterator[None]:
    """A server subprocess, up once ``health`` answers 200; terminated on exit."""
    with log.open("w") as out:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(health, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start: {log.read_text()[-1500:]}")
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)


def timed(load: Callable[[str], None], targets: list[str], repeats: int) -> dict[str, float]:
    load(targets[0])  # warm-up: Chromium's cache, the API's and Neo4j's first queries
    seconds = []
    for index in range(repeats):
        started = time.perf_counter()
        load(targets[index % len(targets)])
        seconds.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(seconds) * 1000),
        "min_ms": round(min(seconds) * 1000),
        "max_ms": round(max(seconds) * 1000),
    }


def browse(
    explorer: str, blank: str, pairs: list[str], sellers: list[str], repeats: int
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", args=FLAGS, headless=True,
            viewport={"width": 1400, "height": 1000},
        )  # fmt: skip
        context.set_default_timeout(120_000)

        def tab(url: str, ready: Callable[[Any], None]) -> None:
            page = context.new_page()
            page.goto(url)
            ready(page)
            page.close()

        def blank_ready(page: Any) -> None:
            page.get_by_text("ready").wait_for()

        def queue_ready(page: Any) -> None:
            page.locator('[data-testid="stDataFrame"]').wait_for()

        def flag_ready(page: Any) -> None:
            page.locator("mark.sd-finding").first.wait_for()

        def network_ready(page: Any) -> None:
            frame = page.locator("iframe").first.element_handle(timeout=120_000).content_frame()
            frame.locator("body[data-stabilized='1']").wait_for(state="attached")

        results["baseline: empty Streamlit page"] = timed(
            lambda u: tab(u, blank_ready), [blank + "/"], repeats
        )
        results["queue (50 open flags)"] = timed(
            lambda u: tab(u, queue_ready), [explorer + "/"], repeats
        )
        flag_urls = [f"{explorer}/flag?flag_id={p}" for p in pairs]
        results["flag (pair, highlighted)"] = timed(
            lambda u: tab(u, flag_ready), flag_urls, repeats
        )
        network_urls = [f"{explorer}/network?seller={s}&depth=2" for s in sellers]
        results["network (depth 2, cap 200)"] = timed(
            lambda u: tab(u, network_ready), network_urls, repeats
        )
        context.close()
    return results


def api_alone(
    api: str, key: str, pairs: list[str], sellers: list[str], repeats: int
) -> dict[str, Any]:
    """The calls each page makes, without the explorer (the data's share of the load time)."""
    headers = {"X-API-Key": key}
    with httpx.Client(base_url=api, headers=headers, timeout=120) as client:

        def queue(_: str) -> None:
            client.get("/me").raise_for_status()
            client.get("/flags", params={"status": "open", "limit": 50}).raise_for_status()

        def network(seller: str) -> None:
            client.get(f"/sellers/{seller}").raise_for_status()
            params = {"depth": 2, "limit": 200}
            client.get(f"/sellers/{seller}/network", params=params).raise_for_status()

        return {
            "baseline: API calls of the queue page": timed(queue, ["-"], repeats),
            "baseline: API calls of the network page": timed(network, sellers, repeats),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    settings = bench_settings()
    store = bench_store()
    loaded = ensure_loaded(store, args.scale, reload=False)
    size = graph_size(store)
    key = create_key(store, "investigator", "bench/dashboard.py", BENCH).key
    pairs = [f"pair:{r['buyer']}:{r['seller']}" for r in store.read(PAIRS)][:5]
    sellers = [r["seller"] for r in store.read(SELLERS)][:5]
    store.close()

    logs = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    blank_script = logs / "blank.py"
    blank_script.write_text(BLANK)
    api_port, explorer_port, blank_port = free_port(), free_port(), free_port()
    api, explorer, blank = (f"http://127.0.0.1:{p}" for p in (api_port, explorer_port, blank_port))
    python = sys.executable
    streamlit_flags = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    api_cmd = [python, "-m", "uvicorn", "sidedeal.api.main:app", "--port", str(api_port)]
    explorer_cmd = [
        str(Path(python).parent / "sidedeal"),
        "dashboard",
        "--port",
        str(explorer_port),
    ]
    blank_cmd = [
        python,
        "-m",
        "streamlit",
        "run",
        str(blank_script),
        "--server.port",
        str(blank_port),
    ]
    neo4j_env = {"NEO4J_URI": settings.neo4j_uri}
    explorer_env = {"SIDEDEAL_DASHBOARD_API_URL": api, "SIDEDEAL_DASHBOARD_API_KEY": key}
    with (
        serve(api_cmd, neo4j_env, f"{api}/ready", logs / "api.log"),
        serve(explorer_cmd, explorer_env, f"{explorer}/_stcore/health", logs / "explorer.log"),
        serve(blank_cmd + streamlit_flags, {}, f"{blank}/_stcore/health", logs / "blank.log"),
    ):
        results = api_alone(api, key, pairs, sellers, args.repeats)
        results |= browse(explorer, blank, pairs, sellers, args.repeats)

    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(f"data: scale {args.scale:g} ({size}); loaded now: {loaded['loaded_now']}")
    print(f"{'scenario':<42} {'median ms':>10} {'min':>7} {'max':>7}")
    for name, figures in results.items():
        print(
            f"{name:<42} {figures['median_ms']:>10} {figures['min_ms']:>7} {figures['max_ms']:>7}"
        )
    print(f"repeats: {args.repeats} after one warm-up; logs in {logs} (from {REPO.name})")


if __name__ == "__main__":
    main()
