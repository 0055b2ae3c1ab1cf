"""What a webhook receiver gets from an outbox event: every declared key, nested values decoded."""

from __future__ import annotations

from datetime import UTC, datetime

from sidedeal.graph.outbox import EVENT_TYPES, event_payload


def test_a_payload_has_every_declared_key_and_decodes_json_values() -> None:
    event = {
        "event_id": "evt_1",
        "type": "run.completed",
        "created_at": datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        "run_id": "run-1",
        "status": "completed",
        "counts_json": '{"flags": {"new": 3}}',
    }
    payload = event_payload(event)
    assert payload == {
        "id": "evt_1",
        "type": "run.completed",
        "created_at": "2026-12-01T10:00:00+00:00",
        "data": {
            "run_id": "run-1",
            "status": "completed",
            "mode": None,
            "trigger": None,
            "seconds": None,
            "as_of": None,
            "counts": {"flags": {"new": 3}},
        },
    }
    assert tuple(payload["data"]) == EVENT_TYPES["run.completed"]
