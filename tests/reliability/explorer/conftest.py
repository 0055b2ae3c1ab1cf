"""The explorer's fixtures (tests/integration/dashboard): the real API over uvicorn on the test
Neo4j, a key per role, and the app in Streamlit's AppTest."""

from __future__ import annotations

from tests.integration.dashboard.conftest import api_url, explorer, keys, market

__all__ = ["api_url", "explorer", "keys", "market"]
