"""The demo marketplace streamed through POST /events in time order flags its pairs and sellers as
a full analysis of the same graph does: same flag ids, same scores, same reasons, and the full run
afterwards finds nothing new for them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.api.app import create_app
from sidedeal.casework.common import Actor
from sidedeal.casework.keys import create_key
from sidedeal.demo import generate
from sidedeal.graph.store import Store
from sidedeal.ingest.readers import discover, iter_rows
from sidedeal.settings import Settings

SETUP = Actor("test", "test", "admin", "test")
# What existed before the stream (accounts, their listings and known contact details), then
# what happens, in time order.
PROFILE = (
    ("sellers", "seller"),
    ("buyers", "buyer"),
    ("listings", "listing"),
    ("contacts", "contact"),
)
HAPPENING = (
    ("conversations", "conversation", "started_at"),
    ("messages", "message", "sent_at"),
    ("orders", "order", "placed_at"),
)
FLAGS = """
MATCH (f:Flag) WHERE f.kind IN ['pair', 'seller']
RETURN f.flag_id AS flag_id, f.score AS score, f.reasons AS reasons, f.status AS status,
       f.first_run_id AS first_run_id
ORDER BY flag_id
"""


def demo_events(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    files = {f.spec.name: f for f in discover(folder)[0]}
    profile = [
        {"type": kind, "data": row.values}
        for name, kind in PROFILE
        for row in iter_rows(files[name])
    ]
    timed = [
        (row.values[when] or "", order, {"type": kind, "data": row.values})
        for order, (name, kind, when) in enumerate(HAPPENING)
        for row in iter_rows(files[name])
    ]
    timed.sort(key=lambda item: (item[0], item[1]))
    return profile, [event for _, _, event in timed]


@pytest.fixture
def service(store: Store, settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    key = create_key(store, "service", "stream", SETUP).key
    with TestClient(create_app(settings, store=store)) as client:
        yield client, {"X-API-Key": key}


def test_streamed_pair_and_seller_flags_are_those_of_a_full_run(
    store: Store, service: tuple[TestClient, dict[str, str]], tmp_path: Path
) -> None:
    client, headers = service
    generate(tmp_path / "demo", scale=0.05, seed=7, fmt="jsonl")
    profile, happening = demo_events(tmp_path / "demo")
    rescored = 0
    for events, size in ((profile, 500), (happening, 200)):
        for start in range(0, len(events), size):
            # wait: each batch's re-score is done before the next batch, as a slow stream's is.
            response = client.post("/events?wait=60", json={"events": events[start : start + size]},
                                   headers=headers)  # fmt: skip
            assert response.status_code == 200, response.text
            answer = response.json()
            assert answer["accepted"] == len(answer["data"]), answer["data"]
            if answer["rescore"] is not None:
                assert answer["rescore"]["status"] == "done", answer["rescore"]
                rescored += 1
    assert rescored > 15
    streamed = {row["flag_id"]: row for row in store.read(FLAGS)}
    assert sum(1 for f in streamed if f.startswith("pair:")) >= 10
    assert any(f.startswith("seller:") for f in streamed)

    run = analyze(store, load_weights(), full=True, trigger="test")
    assert run.status == "completed"
    after = {row["flag_id"]: row for row in store.read(FLAGS)}
    assert set(after) == set(streamed)
    for flag_id, flag in after.items():
        assert flag["score"] == pytest.approx(streamed[flag_id]["score"], abs=1e-6), flag_id
        assert flag["reasons"] == streamed[flag_id]["reasons"], flag_id
        assert flag["status"] == streamed[flag_id]["status"], flag_id
        assert flag["first_run_id"] != run.run_id, f"{flag_id} is new to the full run"
