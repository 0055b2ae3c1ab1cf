"""The webhooks outbox: an event is written in the same transaction as the change that causes it.

A statement that changes something other tools want to hear about (a flag raised, a decision, a
case opened, a notice issued...) appends :func:`outbox_call` to itself, the way casework appends
its audit call. The fragment creates an ``(:OutboxEvent)`` and one ``(:Delivery)`` per enabled
webhook subscribed to that event type, or nothing at all when nobody listens. Since it is part of
the statement, a crash can lose neither the change without its event nor the event without its
change; the dispatcher (``sidedeal.casework.dispatch``) delivers what is pending, at least once.

An event node keeps its metadata (``event_id``, ``type``, ``created_at``) beside its data, written
as the event's properties. Neo4j properties cannot nest, so a value that needs to (a run's counts)
travels as JSON text under a name ending in ``_json``; :func:`event_payload` decodes it back under
the name without the suffix. Each event type's data keys are declared in :data:`EVENT_TYPES`, so a
receiver always gets every key, ``null`` when the change had no value for it.

Deliveries do not link to their webhook node (they carry its id): a relationship would lock the
webhook node, and every write that raises an event would queue behind every other one.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, LiteralString

# Every event type other tools can subscribe to, and the keys of its ``data``.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "flag.raised": (
        "flag_id", "kind", "status", "score", "top_reason", "reasons", "buyer_ids", "seller_ids",
        "cluster_id", "run_id", "new_evidence",
    ),
    "flag.updated": (
        "flag_id", "kind", "status", "score", "top_reason", "reasons", "buyer_ids", "seller_ids",
        "cluster_id", "run_id", "new_evidence",
    ),
    "flag.decided": (
        "flag_id", "kind", "status", "score", "decided_by", "decision_note", "buyer_ids",
        "seller_ids", "case_ids",
    ),
    "case.opened": ("case_id", "seller_id", "status", "strike_number", "flag_ids", "opened_by"),
    "case.step_changed": ("case_id", "seller_id", "status", "step", "strike_number"),
    "notice.issued": (
        "notice_id", "case_id", "seller_id", "step", "strike_number", "subject", "body",
        "issued_by", "issued_at",
    ),
    "recovery_order.created": (
        "recovery_order_id", "case_id", "seller_id", "buyer_id", "sale_date", "amount",
        "currency", "commission_rate", "commission_due", "status", "created_by",
    ),
    "run.completed": ("run_id", "status", "mode", "trigger", "seconds", "as_of", "counts"),
}  # fmt: skip

META = ("event_id", "type", "created_at")


def outbox_call(
    scope: LiteralString, event_type: LiteralString, data: LiteralString, when: LiteralString = ""
) -> LiteralString:
    """A unit subquery that records an event of ``event_type`` (a Cypher expression: a literal
    such as ``'flag.decided'`` or a row's field) with ``data`` (a Cypher map over the variables
    in ``scope``), once per row reaching it, and only ``when`` that condition holds. The rows
    go on with the ``scope`` variables only."""
    condition: LiteralString = f"WITH {scope} WHERE {when}\n  " if when else ""
    # The leading WITH lets the fragment follow any clause (Cypher wants one between SET and CALL).
    return (
        f"WITH {scope}\nCALL ({scope}) {{\n  {condition}"
        f"MATCH (wh:Webhook {{enabled: true}}) WHERE {event_type} IN wh.events\n"
        f"  WITH {scope}, collect(wh.webhook_id) AS hooks\n"
        "  CREATE (ob:OutboxEvent {event_id: 'evt_' + replace(randomUUID(), '-', ''),\n"
        f"                         type: {event_type}, created_at: datetime()}})\n"
        f"  SET ob += {data}\n"
        "  WITH ob, hooks UNWIND hooks AS hook\n"
        "  CREATE (dl:Delivery {delivery_id: 'dlv_' + replace(randomUUID(), '-', ''),\n"
        "    event_id: ob.event_id, webhook_id: hook, type: ob.type, status: 'pending',\n"
        "    attempts: 0, created_at: ob.created_at, next_attempt_at: ob.created_at})\n"
        "  CREATE (dl)-[:OF]->(ob)\n"
        "}\n"
    )


def _plain(value: Any) -> Any:
    """Driver values to JSON-ready ones (temporal values as ISO 8601 text)."""
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def event_payload(event: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of a delivery, ``{"id", "type", "created_at", "data"}``, from an event node's
    properties (see the module docstring for ``_json`` names and the declared keys)."""
    raw: dict[str, Any] = {}
    for name, value in event.items():
        if name in META:
            continue
        if name.endswith("_json") and isinstance(value, str):
            try:
                raw[name.removesuffix("_json")] = json.loads(value)
            except ValueError:
                raw[name.removesuffix("_json")] = value
        else:
            raw[name] = _plain(value)
    keys = EVENT_TYPES.get(str(event.get("type")), tuple(sorted(raw)))
    return {
        "id": event["event_id"],
        "type": event["type"],
        "created_at": _plain(event["created_at"]),
        "data": {key: raw.get(key) for key in keys},
    }
