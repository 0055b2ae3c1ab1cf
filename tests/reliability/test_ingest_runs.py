"""Issue 11, item 5: an ingest killed half-way is marked ``abandoned`` by the next one, which says
how to resume; a Neo4j that is down is one clear line, not the driver's retry log."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sidedeal.graph.store import Store
from sidedeal.settings import Settings
from tests.helpers import write_contract
from tests.integration.market import small_market
from tests.reliability.conftest import Cli, cli_env

REPO = Path(__file__).resolve().parents[2]


def long_market(messages: int = 3000) -> dict[str, list[dict[str, Any]]]:
    """The small market with many more messages, so an ingest in small batches takes a while."""
    market = small_market()
    for n in range(messages):
        market["messages"].append(
            {
                "message_id": f"bulk{n:05d}",
                "conversation_id": "c1",
                "sender": "buyer" if n % 2 else "seller",
                "sent_at": f"2024-02-{1 + n % 27:02d}T10:00:00Z",
                "body": f"Is lot {n} still available? Call me on 07911 {100000 + n}",
            }
        )
    return market


def _sidedeal(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sidedeal.cli", *args],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_neo4j_down_is_one_clear_line(settings: Settings, tmp_path: Path) -> None:
    directory = write_contract(tmp_path / "in", {"sellers": small_market()["sellers"]})
    env = {**cli_env(settings), "NEO4J_URI": f"bolt://127.0.0.1:{_free_port()}"}
    proc = _sidedeal(["ingest", str(directory)], env)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: Neo4j does not answer")
    # The driver's details are there for whoever asks.
    verbose = _sidedeal(["ingest", str(directory), "--verbose"], env)
    _, stderr = verbose.communicate(timeout=120)
    assert verbose.returncode == 1
    assert len([line for line in stderr.splitlines() if line.strip()]) > 1


def test_a_killed_ingest_is_marked_abandoned_and_the_next_says_how_to_resume(
    store: Store, settings: Settings, cli: Cli, tmp_path: Path
) -> None:
    directory = write_contract(tmp_path / "in", long_market())
    env = {**cli_env(settings), "SIDEDEAL_INGEST_BATCH_SIZE": "20"}
    proc = _sidedeal(["ingest", str(directory), "--json", "--rejects-dir", str(tmp_path)], env)
    try:
        deadline = time.monotonic() + 120
        while store.count("MATCH (m:Message) RETURN count(m) AS n") < 100:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the ingest never got to its messages"
            time.sleep(0.05)
    finally:
        proc.kill()  # SIGKILL: no clean-up of any kind
        proc.wait()
    [killed] = store.read("MATCH (r:IngestRun) RETURN r.ingest_id AS id, r.status AS status")
    assert killed["status"] == "running"

    result = cli("ingest", str(directory), "--json", "--rejects-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    [advice] = summary["abandoned"]
    assert killed["id"] in advice and f"sidedeal ingest {directory}" in advice
    assert killed["id"] in result.stderr  # and the operator is told, not just the JSON
    runs = {
        r["id"]: r
        for r in store.read(
            "MATCH (r:IngestRun) RETURN r.ingest_id AS id, r.status AS status, r.reason AS reason"
        )
    }
    assert runs[killed["id"]]["status"] == "abandoned"
    assert f"pid {proc.pid}" in runs[killed["id"]]["reason"]
    assert runs[summary["ingest_id"]]["status"] == "completed"
    # Resumed: everything is there once.
    assert store.count("MATCH (m:Message) RETURN count(m) AS n") == len(long_market()["messages"])


def test_neo4j_up_marks_stale_runs_abandoned_and_leaves_live_ones(
    store: Store, cli: Cli, tmp_path: Path
) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    runs = [
        # This host, its process gone.
        {"id": "gone", "host": socket.gethostname(), "pid": dead.pid, "age_s": 1},
        # Another host, silent for an hour: only its heartbeat can tell.
        {"id": "silent", "host": "elsewhere", "pid": 1, "age_s": 3600},
        # Another host, heartbeat a second ago: still working.
        {"id": "alive", "host": "elsewhere", "pid": 1, "age_s": 1},
    ]
    store.write(
        "UNWIND $runs AS run CREATE (r:IngestRun {ingest_id: run.id, status: 'running', "
        "directory: '/data/' + run.id, host: run.host, pid: run.pid, "
        "started_at: datetime() - duration({seconds: run.age_s}), "
        "heartbeat_at: datetime() - duration({seconds: run.age_s})})",
        {"runs": runs},
    )
    result = cli("neo4j", "up")
    assert result.exit_code == 0, result.output
    status = {
        r["id"]: (r["status"], r["reason"])
        for r in store.read(
            "MATCH (r:IngestRun) RETURN r.ingest_id AS id, r.status AS status, r.reason AS reason"
        )
    }
    assert status["gone"][0] == "abandoned" and f"pid {dead.pid}" in status["gone"][1]
    assert status["silent"][0] == "abandoned" and "no heartbeat" in status["silent"][1]
    assert status["alive"] == ("running", None)
    assert "sidedeal ingest /data/gone" in result.output
    assert "sidedeal ingest /data/silent" in result.output
