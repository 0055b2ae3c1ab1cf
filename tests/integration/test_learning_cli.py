"""The learning loop's commands as the README runs them, and the worker picking up an activation
without a restart: `sidedeal` in a child process against the test Neo4j."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sidedeal.analysis.config import DEFAULT_FILE
from sidedeal.casework import decisions
from sidedeal.casework import weights as versions
from sidedeal.casework.common import Actor
from sidedeal.graph.store import Store
from sidedeal.settings import Settings
from tests.helpers import load_market
from tests.integration.market import small_market

ADMIN = Actor(key_id="k-admin", name="ana", role="admin", request_id="req-1")


def env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }


def sidedeal(settings: Settings, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sidedeal.cli", *args],
        env=env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_loop_from_the_command_line(store: Store, settings: Settings, tmp_path: Path) -> None:
    load_market(store, small_market(), tmp_path, reset=False)
    sidedeal(settings, "analyze")
    decisions.decide(store, "pair:b2:s2", "confirmed", "number, then silence", ADMIN, months=12)
    rows = json.loads(sidedeal(settings, "signals", "--json"))
    assert {"signal", "flags", "decided", "confirmed", "dismissed", "precision"} <= set(rows[0])
    assert any(r["confirmed"] == 1 and r["weights_version"] == "v1" for r in rows)

    candidate = tmp_path / "candidate.toml"
    candidate.write_text(sidedeal(settings, "weights", "show", "v1").replace(
        "threshold = 0.5", "threshold = 0.99"))  # fmt: skip
    assert "stored as v2" in sidedeal(settings, "weights", "propose", str(candidate))
    report = json.loads(sidedeal(settings, "backtest", "--weights", "v2", "--json"))
    assert report["decided"]["confirmed_lost"] == ["pair:b2:s2"]
    from_file = json.loads(sidedeal(settings, "backtest", "--weights", str(candidate), "--json"))
    assert from_file["cleared"] == report["cleared"]
    assert "v2 is active (was v1)" in sidedeal(
        settings, "weights", "activate", "v2", "--note", "testing the loop"
    )
    listed = sidedeal(settings, "weights", "list").splitlines()
    assert listed[0].startswith("* v2") and listed[1].startswith("  v1")


def test_the_worker_takes_an_activation_at_its_next_run(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    load_market(store, small_market(), tmp_path, reset=False)
    worker = subprocess.Popen(
        [sys.executable, "-m", "sidedeal.cli", "worker", "--every", "1s"],
        env=env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    read = "MATCH (r:Run {status: 'completed', weights_version: $v}) RETURN count(r) AS n"
    try:
        deadline = time.monotonic() + 60
        while not store.count(read, {"v": "v1"}) and time.monotonic() < deadline:
            time.sleep(0.2)
        strict = DEFAULT_FILE.read_text(encoding="utf-8").replace(
            "threshold = 0.5", "threshold = 0.9"
        )
        proposed = versions.propose(store, strict, "ana", None, ADMIN).version.version
        versions.activate(store, proposed, "live without a restart", ADMIN)
        deadline = time.monotonic() + 60
        while not store.count(read, {"v": proposed}) and time.monotonic() < deadline:
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert store.count(read, {"v": proposed}) >= 1, output
