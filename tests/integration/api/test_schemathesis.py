"""Property-based requests generated from the app's own OpenAPI (schemathesis, in-process ASGI,
an admin key): no 5xx, and responses match the documented status codes, content types and
schemas. Bounded to a few examples per operation so it runs in well under a minute.

The schema is loaded at import (schemathesis's fixture-based loader does not work with pytest 9),
from an app on the test graph, which the ``market`` fixture fills before the first request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from sidedeal.api.app import create_app
from sidedeal.graph.store import Store
from tests.integration.api.conftest import api_settings

# The driver connects lazily: by the first request, the session fixtures have started Neo4j.
STORE = Store.from_settings(api_settings())
APP = create_app(api_settings(), store=STORE)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
STATUSES: Counter[int] = Counter()

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module", autouse=True)
def loaded(market: Store) -> Iterator[None]:
    yield
    STORE.close()


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_match_the_schema(case: Any, keys: dict[str, str]) -> None:
    response = case.call_and_validate(headers={"X-API-Key": keys["admin"]}, checks=CHECKS)
    STATUSES[response.status_code] += 1


def test_the_generated_requests_reached_the_endpoints() -> None:
    """Guards the run above against passing vacuously (every request refused at the door)."""
    assert STATUSES[401] == 0
    ok = sum(n for status, n in STATUSES.items() if 200 <= status < 300)
    assert ok >= 0.2 * sum(STATUSES.values()), STATUSES
