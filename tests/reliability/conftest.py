"""Fixtures of the reliability suite: the API tests' fixtures (the small market ingested and
analysed once per module in the test Neo4j, a key per role, a client of the real app), and the
CLI run in-process against the test Neo4j."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from sidedeal.settings import Settings, get_settings
from tests.integration.api.conftest import as_role, client, keys, market

__all__ = ["as_role", "client", "keys", "market"]

Cli = Callable[..., Result]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "reliability" in item.path.parts:
            item.add_marker(pytest.mark.neo4j)


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment that points a `sidedeal` command at the test Neo4j."""
    return {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "SIDEDEAL_DATA_DIR": str(settings.data_dir),
    }


@pytest.fixture
def cli(settings: Settings) -> Cli:
    """``cli("ingest", DIR, env={...})``: run a `sidedeal` command in this process."""
    from sidedeal.cli import app

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, list(args), env={**cli_env(settings), **(env or {})})
        finally:
            get_settings.cache_clear()

    return run
