"""Test fixtures. Graph tests run against a real Neo4j, started once per test session.

The test server listens on its own port (7688 unless ``SIDEDEAL_TEST_NEO4J_URI`` says otherwise) with
its own store under ``.data/``, so running the suite never touches the demo data of `./run.sh`. A
server on that port started from another checkout is refused (the session would empty its graph).
It is stopped at the end of the session if the session started it; set
``SIDEDEAL_TEST_KEEP_NEO4J=1`` to leave it running between runs while developing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sidedeal.graph import schema, server
from sidedeal.graph.store import Store
from sidedeal.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SIDEDEAL_SHARED_DATA", REPO.parent / "shared" / "data"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in item.path.parts or "reliability" in item.path.parts:
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        environment="test",
        neo4j_uri=os.environ.get("SIDEDEAL_TEST_NEO4J_URI", "bolt://127.0.0.1:7688"),
        data_dir=REPO / ".data",
        neo4j_runtime="local" if os.environ.get("CI") else "auto",
        # Fixed, small sizes: a test server shares the machine with the suite (and, while
        # developing, with other checkouts' servers); "auto" would size it for the whole machine.
        neo4j_heap="1g",
        neo4j_pagecache="256m",
        # Webhook tests run their receivers on this machine.
        webhook_allowed_hosts=["127.0.0.1"],
    )


def _ours(state: server.ServerStatus) -> bool:
    """Whether the Neo4j answering was started from this checkout (its pid file names a live
    process): two checkouts side by side must never share a test server, whose graph each
    session resets and migrates."""
    if state.pid is None:
        return False
    try:
        os.kill(state.pid, 0)
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> Iterator[server.ServerStatus]:
    state = server.status(settings)
    if state.running and not _ours(state) and not os.environ.get("SIDEDEAL_TEST_EXTERNAL_NEO4J"):
        pytest.exit(
            f"a Neo4j already answers at {settings.neo4j_uri} but was not started from this "
            f"checkout ({state.state_dir}): another checkout's test server? Set "
            "SIDEDEAL_TEST_NEO4J_URI to a free port (or SIDEDEAL_TEST_EXTERNAL_NEO4J=1 to use it "
            "anyway: the tests empty its graph)",
            returncode=3,
        )
    started = False
    if not state.running:
        state = server.up(settings)
        started = True
    yield state
    if started and not os.environ.get("SIDEDEAL_TEST_KEEP_NEO4J"):
        server.down(settings)


@pytest.fixture(scope="session")
def session_store(neo4j_server: server.ServerStatus, settings: Settings) -> Iterator[Store]:
    with Store.from_settings(settings) as store:
        schema.migrate(store)
        yield store


@pytest.fixture
def store(session_store: Store) -> Store:
    """The test Neo4j, emptied before the test (the schema stays)."""
    schema.reset(session_store)
    return session_store


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared test data not found at {SHARED_DATA} (set SIDEDEAL_SHARED_DATA)")
    return SHARED_DATA
