"""The service around the endpoints: health and readiness, errors as JSON, request ids, Neo4j
down, analysis runs from the API, and exports."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time

import httpx
from fastapi.testclient import TestClient

from sidedeal.analysis.run import acquire_lock, release_lock
from sidedeal.api.app import create_app
from sidedeal.graph import schema
from sidedeal.graph.store import Store
from sidedeal.settings import Settings

Headers = dict[str, dict[str, str]]


def test_health_ready_and_request_ids(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json()["pending_migrations"] == []
    generated = client.get("/health").headers["X-Request-ID"]
    assert len(generated) == 32
    echoed = client.get("/health", headers={"X-Request-ID": "trace-42"})
    assert echoed.headers["X-Request-ID"] == "trace-42"
    hostile = client.get("/health", headers={"X-Request-ID": 'a b"<script>' + "x" * 300})
    assert hostile.headers["X-Request-ID"] != 'a b"<script>'
    assert len(hostile.headers["X-Request-ID"]) == 32


def test_ready_names_pending_migrations(client: TestClient, market: Store) -> None:
    market.write("MATCH (m:Migration {id: '0004_api'}) DELETE m")
    try:
        response = client.get("/ready")
        assert response.status_code == 503
        assert "0004_api" in response.json()["message"]
        assert "sidedeal db migrate" in response.json()["message"]
    finally:
        schema.migrate(market)
    assert client.get("/ready").status_code == 200


def test_errors_are_json_with_the_request_id(client: TestClient, as_role: Headers) -> None:
    admin = {**as_role["admin"], "X-Request-ID": "err-1"}
    missing = client.get("/nowhere", headers=admin)
    assert missing.status_code == 404
    assert missing.json() == {
        "error": "not_found",
        "message": "no endpoint /nowhere; see /docs for the API",
        "request_id": "err-1",
    }
    invalid = client.get("/flags?limit=0&sort=sideways", headers=admin)
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["error"] == "invalid_request" and body["request_id"] == "err-1"
    assert {f["field"] for f in body["fields"]} == {"query.limit", "query.sort"}
    assert "query.limit" in body["message"]
    broken = client.post(
        "/flags/pair:b2:s2/decision",
        content=b"{not json",
        headers={**admin, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422 and broken.json()["fields"][0]["field"].startswith("body")
    extra = client.post("/keys", json={"role": "viewer", "name": "x", "admin": True}, headers=admin)
    assert extra.status_code == 422 and extra.json()["fields"][0]["field"] == "body.admin"


def test_neo4j_down_is_503_everywhere_without_a_stack_trace(settings: Settings) -> None:
    down = settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:1"})
    with TestClient(create_app(down)) as offline:
        started = time.perf_counter()
        for path in ("/ready", "/flags", "/sellers/s1/network", "/pairs/b1/s1"):
            response = offline.get(path, headers={"X-API-Key": "sdk_abc_secret"})
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "5"
            # Issue 11: the operator's hint (the Bolt URI, the command) is logged, not shown.
            assert "retry later" in response.json()["message"]
            assert "neo4j up" not in response.text and "bolt://" not in response.text
            assert "Traceback" not in response.text
        assert time.perf_counter() - started < 10  # fails fast: no half-minute of retries
        assert offline.get("/health").status_code == 200


def test_runs_list_trigger_and_409_while_one_holds_the_lock(
    client: TestClient, as_role: Headers, market: Store
) -> None:
    investigator = as_role["investigator"]
    before = client.get("/runs", headers=as_role["viewer"]).json()
    started = client.post("/runs", headers=investigator)
    assert started.status_code in (201, 202), started.text
    run = started.json()
    assert run["trigger"].startswith("api:")
    deadline = time.monotonic() + 60
    while run["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        run = client.get(f"/runs/{run['run_id']}", headers=investigator).json()
    assert run["status"] == "completed" and run["flags_raised"] > 0
    after = client.get("/runs", headers=as_role["viewer"]).json()
    assert after["count"] == before["count"] + 1
    assert after["data"][0]["run_id"] == run["run_id"]

    acquire_lock(market, "run-held-by-a-test")
    try:
        refused = client.post("/runs", headers=investigator)
        assert refused.status_code == 409
        assert "run-held-by-a-test" in refused.json()["message"]
    finally:
        release_lock(market, "run-held-by-a-test")
    assert client.get("/runs/run-nope", headers=investigator).status_code == 404


def test_exports_as_json_and_csv(client: TestClient, as_role: Headers) -> None:
    admin = as_role["admin"]
    as_json = client.get("/export/flags", headers=admin).json()
    queue = client.get("/flags?limit=500&include_suppressed=true", headers=admin).json()
    assert as_json["count"] == queue["count"] == len(as_json["data"])
    as_csv = client.get("/export/flags?format=csv", headers=admin)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["flag_id"] for r in rows] == [f["flag_id"] for f in as_json["data"]]
    assert rows[0]["reasons"] and rows[0]["score"]
    only_pairs = client.get("/export/flags?format=csv&kind=pair", headers=admin).text
    assert {r["kind"] for r in csv.DictReader(io.StringIO(only_pairs))} == {"pair"}

    graph = client.get("/export/sellers/s2/network?depth=1", headers=admin).json()
    nodes = client.get("/export/sellers/s2/network?depth=1&format=csv&part=nodes", headers=admin)
    edges = client.get("/export/sellers/s2/network?depth=1&format=csv&part=edges", headers=admin)
    node_rows = list(csv.DictReader(io.StringIO(nodes.text)))
    edge_rows = list(csv.DictReader(io.StringIO(edges.text)))
    assert {r["id"] for r in node_rows} == {n["id"] for n in graph["nodes"]}
    assert len(edge_rows) == len(graph["edges"])
    assert {"source", "target", "type", "properties"} == set(edge_rows[0])


def test_openapi_documents_auth_and_error_bodies(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert {"APIKeyHeader", "HTTPBearer"} <= set(schemes)
    flags = spec["paths"]["/flags"]["get"]
    assert {"200", "401", "403", "422", "503"} <= set(flags["responses"])
    error_ref = flags["responses"]["401"]["content"]["application/json"]["schema"]["$ref"]
    assert error_ref.endswith("/ErrorOut")
    assert flags["responses"]["422"]["content"]["application/json"]["schema"]["$ref"] == error_ref
    assert "/sellers/{seller_id}/network" in spec["paths"]
    for path in ("/audit", "/audit/{event_id}"):
        assert set(spec["paths"][path]) == {"get"}


def test_sidedeal_serve_answers_on_its_port(market: Store, settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "NEO4J_URI": settings.neo4j_uri}
    server = subprocess.Popen(
        [sys.executable, "-m", "sidedeal.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        ready = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert ready is not None, server.stderr.read() if server.stderr else b""
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert httpx.get(f"http://127.0.0.1:{port}/flags").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=20)
