"""Issue 11, item 4: a hung Neo4j (SIGSTOP) never hangs the API.

The real API runs under uvicorn in its own process against the test Neo4j, which the test pauses:
requests that need the graph answer 503 with Retry-After within the request deadline, a request
without a key is refused at once, ``/health`` answers at once and ``/ready`` within 2 s.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from sidedeal.casework.common import Actor
from sidedeal.casework.keys import create_key
from sidedeal.graph.store import Store
from sidedeal.settings import Settings
from tests.helpers import load_market
from tests.integration.market import small_market
from tests.reliability.conftest import cli_env
from tests.reliability.neo4j_process import paused

REPO = Path(__file__).resolve().parents[2]
SETUP = Actor(key_id="test", name="test set-up", role="admin", request_id="test")
DEADLINE_S = 3.0  # SIDEDEAL_API_REQUEST_TIMEOUT_S for the server under test


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def api(
    session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    """(base URL, a key per role) of a real API process on the test graph."""
    load_market(session_store, small_market(), tmp_path_factory.mktemp("market"))
    keys = {
        role: create_key(session_store, role, f"hung {role}", SETUP).key  # type: ignore[arg-type]
        for role in ("viewer", "investigator", "admin")
    }
    port = _free_port()
    env = {
        **os.environ,
        **cli_env(settings),
        "SIDEDEAL_ENVIRONMENT": "test",
        "SIDEDEAL_API_REQUEST_TIMEOUT_S": str(DEADLINE_S),
        "SIDEDEAL_API_KEY_CACHE_S": "60",
    }
    log = (tmp_path_factory.mktemp("api") / "api.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sidedeal.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("the API did not become ready")
        yield base, keys
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


# One client for every request (a client per request costs ~50 ms of TLS set-up each, which
# 48 threads would queue for behind the GIL before their request even left).
CLIENT = httpx.Client(timeout=60, limits=httpx.Limits(max_connections=100))


def _timed(method: str, url: str, **kwargs: object) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = CLIENT.request(method, url, **kwargs)  # type: ignore[arg-type]
    return time.perf_counter() - started, response


def test_a_paused_neo4j_gets_bounded_answers(
    api: tuple[str, dict[str, str]], settings: Settings
) -> None:
    base, keys = api
    viewer = {"X-API-Key": keys["viewer"]}
    assert httpx.get(f"{base}/flags", headers=viewer, timeout=10).status_code == 200
    with paused(settings), ThreadPoolExecutor(max_workers=48) as pool:
        # More graph requests than the server has threads, with a cached key and with a key it
        # has never seen (which needs the graph to verify).
        busy = [pool.submit(_timed, "GET", f"{base}/flags", headers=viewer) for _ in range(40)] + [
            pool.submit(_timed, "GET", f"{base}/flags", headers={"X-API-Key": keys["admin"]})
            for _ in range(4)
        ]
        time.sleep(0.5)
        seconds, no_key = _timed("GET", f"{base}/flags")
        assert no_key.status_code == 401 and seconds < 1.0, (no_key.status_code, seconds)
        seconds, health = _timed("GET", f"{base}/health")
        assert health.status_code == 200 and seconds < 1.0, seconds
        seconds, ready = _timed("GET", f"{base}/ready")
        assert ready.status_code == 503 and seconds < 2.5, (ready.status_code, seconds)
        for future in busy:
            seconds, response = future.result()
            assert response.status_code == 503, response.text
            assert response.headers.get("Retry-After")
            assert seconds < DEADLINE_S + 2.0, seconds
            body = response.json()
            assert body["request_id"] == response.headers["X-Request-ID"]
            assert "bolt://" not in response.text and "neo4j up" not in response.text
    # Neo4j back: the API serves again without a restart.
    for _ in range(100):
        if httpx.get(f"{base}/ready", timeout=10).status_code == 200:
            break
        time.sleep(0.1)
    assert httpx.get(f"{base}/flags", headers=viewer, timeout=10).status_code == 200
