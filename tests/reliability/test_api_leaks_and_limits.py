"""Issue 11, item 9: a 503 tells an API client nothing about the inside (the Bolt URI, operator
commands): those go to the log with the request id; request bodies are limited (413)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sidedeal.api.app import create_app
from sidedeal.graph.store import Store
from sidedeal.settings import Settings


@pytest.fixture
def down_client(settings: Settings) -> Iterator[TestClient]:
    """The real app on a Neo4j that does not answer (nothing listens on port 9)."""
    dead = Store("bolt://127.0.0.1:9", "neo4j", "sidedeal-dev-password")
    try:
        with TestClient(create_app(settings, store=dead)) as client:
            yield client
    finally:
        dead.close()


def test_a_503_shows_no_internal_address_or_command(
    down_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sidedeal.api"):
        response = down_client.get(
            "/flags",
            headers={"X-API-Key": "sdk_0123456789ab_" + "s" * 43, "X-Request-ID": "rid-503"},
        )
        ready = down_client.get("/ready")
    for answer in (response, ready):
        assert answer.status_code == 503
        assert answer.headers["Retry-After"]
        assert "bolt://" not in answer.text and "127.0.0.1:9" not in answer.text
        assert "neo4j up" not in answer.text and "NEO4J_URI" not in answer.text
    assert response.json()["request_id"] == "rid-503"
    assert "rid-503" in response.json()["message"]
    # The operator still learns where and what: in the log, with the request id.
    logged = [r.getMessage() for r in caplog.records if "rid-503" in r.getMessage()]
    assert logged and "bolt://127.0.0.1:9" in logged[0]


@pytest.fixture
def client(session_store: Store, settings: Settings) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"api_max_body_bytes": 1024 * 1024})
    with TestClient(create_app(limited, store=session_store)) as test_client:
        yield test_client


def test_a_body_over_the_limit_is_413_before_any_work(client: TestClient) -> None:
    big = b'{"messages": [{"id": "1", "text": "' + b"x" * (2 * 1024 * 1024) + b'"}]}'
    response = client.post(
        "/scan",
        content=big,
        headers={"X-API-Key": "sdk_unknown", "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "payload_too_large"


def test_a_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"messages": [{"id": "1", "text": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}]}'

    response = client.post(
        "/scan",
        content=chunks(),
        headers={"X-API-Key": "sdk_unknown", "Content-Type": "application/json"},
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413, response.text


def test_a_body_under_the_limit_is_served(client: TestClient) -> None:
    response = client.post(
        "/scan",
        json={"messages": [{"id": "1", "text": "hello"}]},
        headers={"X-API-Key": "sdk_unknown"},
    )
    assert response.status_code == 401  # reached the key check: the body was accepted
