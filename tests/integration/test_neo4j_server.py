"""The local Neo4j and the schema: `up` is idempotent, migrations run once, reset keeps the schema."""

from __future__ import annotations

import time

from sidedeal.graph import schema, server
from sidedeal.graph.store import Store
from sidedeal.settings import Settings


def test_up_is_idempotent_and_fast_when_running(
    neo4j_server: server.ServerStatus, settings: Settings
) -> None:
    started = time.monotonic()
    again = server.up(settings)
    assert again.running
    assert again.pid == neo4j_server.pid
    assert "5.26" in (again.version or "")
    # A second `up` must not start another server: it only checks that Bolt answers.
    assert time.monotonic() - started < 10


def test_status_reports_a_server_that_does_not_answer(settings: Settings) -> None:
    elsewhere = settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:7699"})
    state = server.status(elsewhere)
    assert not state.running
    assert "7699" in state.detail


def test_migrations_run_once_and_are_recorded(store: Store) -> None:
    assert schema.migrate(store) == []  # already applied by the session fixture
    recorded = {row["id"] for row in store.read("MATCH (m:Migration) RETURN m.id AS id")}
    assert recorded == {m.id for m in schema.MIGRATIONS}
    assert schema.pending(store) == []
    constraints = {r["name"] for r in store.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"seller_id", "buyer_id", "message_id", "identifier_key", "flag_id"} <= constraints


def test_reset_empties_the_graph_but_keeps_the_schema(store: Store) -> None:
    store.write("UNWIND range(1, 25) AS i CREATE (:Seller {seller_id: 's' + i})")
    assert store.count("MATCH (s:Seller) RETURN count(s) AS n") == 25
    assert schema.reset(store) == 25
    assert store.count("MATCH (n) WHERE NOT n:Migration RETURN count(n) AS n") == 0
    assert schema.pending(store) == []
    constraints = {r["name"] for r in store.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert "seller_id" in constraints


def test_wrong_password_is_named(settings: Settings) -> None:
    from pydantic import SecretStr

    from sidedeal.errors import StoreUnavailable

    wrong = settings.model_copy(update={"neo4j_password": SecretStr("not-the-password")})
    try:
        with Store.from_settings(wrong) as store:
            store.ping()
    except StoreUnavailable as error:
        assert "NEO4J_PASSWORD" in error.message
    else:
        raise AssertionError("a wrong password must be refused")


def test_a_server_that_cannot_start_gives_the_log_tail(
    settings: Settings, tmp_path: object
) -> None:
    import pytest

    from sidedeal.graph.server import Neo4jStartError

    broken = settings.model_copy(
        update={
            "neo4j_uri": "bolt://127.0.0.1:7698",
            "data_dir": tmp_path,
            "neo4j_runtime": "local",
            "neo4j_heap": "1k",  # the JVM refuses to start with this heap
            "neo4j_start_timeout_s": 60.0,
        }
    )
    with pytest.raises(Neo4jStartError) as error:
        server.up(broken)
    assert "exited with code" in error.value.message
    assert "heap" in error.value.message.lower()  # the log's tail names the cause


def test_status_reports_the_memory_the_server_was_started_with(
    neo4j_server: server.ServerStatus, settings: Settings
) -> None:
    state = server.status(settings)
    if state.runtime != "local" or state.pid is None:
        import pytest

        pytest.skip("the test server was not started by the local launcher")
    assert state.memory is not None, "`neo4j status --json` must say what memory Neo4j got"
    assert state.memory["source"] == "settings"  # the suite fixes its server's sizes
    assert (state.memory["heap_mb"], state.memory["pagecache_mb"]) == (1024, 256)
    with open(f"/proc/{state.pid}/cmdline", "rb") as cmdline:
        arguments = cmdline.read().split(b"\0")
    assert b"-Xmx1024m" in arguments
    assert arguments[arguments.index(b"--pagecache-mb") + 1] == b"256"
    # Left to "auto", a server is sized for this machine, beyond the old fixed 1g and 256m.
    auto = server.memory_plan(Settings(neo4j_heap="auto", neo4j_pagecache="auto"))
    assert auto.source == "auto"
    assert auto.machine_mb > 0 and auto.heap_mb + auto.pagecache_mb > 256
