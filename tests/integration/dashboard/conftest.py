"""Fixtures for the explorer's tests: the real API, served over HTTP on a free port by uvicorn in a
background thread, over the small test market (ingested and analysed once per module), with a key
per role; and ``explorer``, which opens the app in Streamlit's ``AppTest`` pointed at that API.

Nothing of the API is mocked: the explorer's pages go through httpx to the app the API tests
test, on the test Neo4j.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from streamlit.testing.v1 import AppTest

from sidedeal.api.app import create_app
from sidedeal.casework.common import ROLES
from sidedeal.casework.keys import create_key
from sidedeal.dashboard import APP
from sidedeal.graph.store import Store
from sidedeal.settings import Settings, get_settings
from tests.helpers import load_market
from tests.integration.api.conftest import SETUP, api_market

PAGES = {
    "queue": "views/queue.py",
    "flag": "views/flag.py",
    "network": "views/network.py",
    "search": "views/search.py",
    "runs": "views/runs.py",
    "signals": "views/signals.py",
    "cases": "views/cases.py",
    "case": "views/case.py",
    "audit": "views/audit.py",
    "allow-list": "views/allow_list.py",
    "notices": "views/notices.py",
}
Explorer = Callable[..., AppTest]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ApiServer:
    """The API app served by uvicorn in a daemon thread, stopped by ``close()``."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings, store=store), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="api", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test API did not start")
            time.sleep(0.05)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


CHATTER = [
    "Hello, is the watch still for sale?",
    "Yes it is, in very good condition.",
    "Does it come with the box and papers?",
    "Both, and the original receipt.",
    "Has it been serviced recently?",
    "Last spring, by an authorised workshop.",
    "Lovely. Any scratches on the bracelet?",
    "Only light wear, photos are in the listing.",
]


def explorer_market() -> dict[str, list[dict[str, Any]]]:
    """The API tests' market, plus an order between b2 and s2 the day before they swapped
    contact details, so the pair's timeline holds orders and messages, and eight messages of
    small talk in b3 and s2's conversation before the one with findings (a long thread)."""
    files = api_market()
    for n, text in enumerate(CHATTER):
        files["messages"].append(
            {
                "message_id": f"m3c{n}",
                "conversation_id": "c3",
                "sender": "buyer" if n % 2 == 0 else "seller",
                "sent_at": f"2024-01-2{n}T10:00:00Z",
                "body": text,
            }
        )
    files["orders"].append(
        {
            "order_id": "o3",
            "buyer_id": "b2",
            "seller_id": "s2",
            "listing_id": "l2",
            "conversation_id": "c2",
            "amount": "14200.00",
            "currency": "GBP",
            "placed_at": "2024-02-02T09:00:00Z",
            "status": "completed",
        }
    )
    return files


@pytest.fixture(scope="module")
def market(session_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The test graph holding the analysed market (reloaded for each test module)."""
    load_market(session_store, explorer_market(), tmp_path_factory.mktemp("market"), analyse=True)
    return session_store


@pytest.fixture(scope="module")
def keys(market: Store) -> dict[str, str]:
    return {role: create_key(market, role, f"test {role}", SETUP).key for role in ROLES}


@pytest.fixture(scope="module")
def api_url(market: Store, settings: Settings) -> Iterator[str]:
    server = ApiServer(settings, market)
    yield server.url
    server.close()


@pytest.fixture
def explorer(
    api_url: str, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Explorer]:
    """``explorer("flag", flag_id="pair:b2:s2", role="viewer")``: the app run on that page."""

    def open_page(
        page: str = "queue",
        /,
        *,
        role: str | None = "investigator",
        url: str | None = None,
        **query: str,
    ) -> AppTest:
        monkeypatch.setenv("SIDEDEAL_DASHBOARD_API_URL", url or api_url)
        monkeypatch.setenv("SIDEDEAL_DASHBOARD_API_KEY_FILE", str(tmp_path / "no-such.key"))
        if role is None:
            monkeypatch.delenv("SIDEDEAL_DASHBOARD_API_KEY", raising=False)
        else:
            monkeypatch.setenv("SIDEDEAL_DASHBOARD_API_KEY", keys.get(role, role))
        get_settings.cache_clear()
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.query_params.update(query)
        app.run()
        if page != "queue":
            app.switch_page(PAGES[page]).run()
        return app

    yield open_page
    get_settings.cache_clear()


def texts(app: AppTest) -> str:
    """Everything the page says in markdown, captions, alerts and metrics, as one string."""
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [e.value for e in (*app.error, *app.warning, *app.info, *app.success)]
    parts += [f"{m.label}: {m.value}" for m in app.metric]
    parts += [t.value for t in app.title] + [h.value for h in app.subheader]
    return "\n".join(str(p) for p in parts)
