"""The reliability suite reuses the API tests' fixtures: the small market ingested and analysed
once per module in the test Neo4j, a key per role, and a client of the real app."""

from __future__ import annotations

import pytest

from tests.integration.api.conftest import as_role, client, keys, market

__all__ = ["as_role", "client", "keys", "market"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "reliability" in item.path.parts:
            item.add_marker(pytest.mark.neo4j)
