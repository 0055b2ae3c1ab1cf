"""Fixtures for API tests: the small market ingested and analysed once per module, a key per
role, and a client of the real app (in-process ASGI) on the test Neo4j."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sidedeal.api.app import create_app
from sidedeal.casework.common import ROLES, Actor
from sidedeal.casework.keys import create_key
from sidedeal.graph.store import Store
from sidedeal.settings import Settings
from tests.helpers import load_market
from tests.integration.market import small_market

REPO = Path(__file__).resolve().parents[3]
SETUP = Actor(key_id="test", name="test set-up", role="admin", request_id="test")


def api_market() -> dict[str, list[dict[str, Any]]]:
    """The small market, plus a message carrying a handle and an IBAN (for masking)."""
    files = small_market()
    files["messages"].append(
        {
            "message_id": "m6",
            "conversation_id": "c3",
            "sender": "seller",
            "sent_at": "2024-02-05T11:00:00Z",
            "body": "Add me on telegram @hartley_w or pay to GB33 BUKB 2020 1555 5555 55 thanks",
        }
    )
    return files


def api_settings() -> Settings:
    """The session's test settings (tests/conftest.py), for code that runs at import."""
    return Settings(
        environment="test",
        neo4j_uri=os.environ.get("SIDEDEAL_TEST_NEO4J_URI", "bolt://127.0.0.1:7688"),
        data_dir=REPO / ".data",
        webhook_allowed_hosts=["127.0.0.1"],
    )


@pytest.fixture(scope="module")
def market(session_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The test graph holding the analysed market (reloaded for each test module)."""
    load_market(session_store, api_market(), tmp_path_factory.mktemp("market"), analyse=True)
    return session_store


@pytest.fixture(scope="module")
def keys(market: Store) -> dict[str, str]:
    """A working key per role: ``{"admin": "sdk_...", ...}``."""
    return {role: create_key(market, role, f"test {role}", SETUP).key for role in ROLES}


@pytest.fixture(scope="module")
def client(market: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=market)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def as_role(keys: dict[str, str]) -> dict[str, dict[str, str]]:
    """Headers per role: ``client.get(url, headers=as_role["viewer"])``."""
    return {role: {"X-API-Key": key} for role, key in keys.items()}
