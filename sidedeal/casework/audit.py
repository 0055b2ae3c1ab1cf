"""The audit trail: who did what, when, on which objects, in which request.

Writes record their event in the same Cypher statement as the change (``AUDIT_CALL`` appended to
the write), so a change is never committed without its event, nor an event without its change.
Unmasked reads of contact data are recorded with :func:`record` after the read. Events are only
ever created: nothing in sidedeal updates or deletes an ``AuditEvent``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, LiteralString

from pydantic import BaseModel

from sidedeal.casework.common import Actor, loads, natives, new_id, utc_iso
from sidedeal.graph.store import Store

# A unit subquery: one event per row reaching it; a statement that matched nothing records nothing.
AUDIT_CALL: LiteralString = """
CALL () { CREATE (ae:AuditEvent) SET ae = $audit, ae.at = datetime() }
"""

# Reads recorded by ``shown`` (unmasked reads) whose action does not end in ``.read``.
READ_ACTIONS = ["search", "notice.preview"]

RECORD: LiteralString = "CREATE (ae:AuditEvent) SET ae = $audit, ae.at = datetime()"

EVENTS: LiteralString = """
MATCH (e:AuditEvent)
WHERE ($actor IS NULL OR e.actor = $actor OR e.actor_name = $actor)
  AND ($action IS NULL OR e.action = $action)
  AND ($reads OR NOT (e.action ENDS WITH '.read' OR e.action IN $read_actions))
  AND ($object IS NULL OR $object IN e.objects)
  AND ($event_id IS NULL OR e.event_id = $event_id)
  AND ($since IS NULL OR e.at >= datetime($since)) AND ($until IS NULL OR e.at < datetime($until))
WITH e ORDER BY e.at DESC, e.event_id
WITH collect(e) AS events
RETURN size(events) AS count,
       [e IN events[$offset..$offset + $limit] | e {.*, at: toString(e.at)}] AS data
"""


class AuditEventPublic(BaseModel):
    """One recorded action; ``actor`` is the API key id (``cli`` for the command line)."""

    event_id: str
    at: datetime
    actor: str
    actor_name: str
    role: str
    action: str
    objects: list[str]
    request_id: str
    detail: dict[str, Any]


def audit_params(
    actor: Actor, action: str, objects: list[str], detail: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``$audit`` parameter of a write that records itself (see ``AUDIT_CALL``)."""
    return {
        "event_id": new_id("evt"),
        "actor": actor.key_id,
        "actor_name": actor.name,
        "role": actor.role,
        "action": action,
        "objects": objects,
        "request_id": actor.request_id,
        "detail": json.dumps(detail or {}, default=str, ensure_ascii=False),
    }


def record(
    store: Store,
    actor: Actor,
    action: str,
    objects: list[str],
    detail: dict[str, Any] | None = None,
) -> None:
    """Record an event on its own (unmasked reads, exports)."""
    store.write(RECORD, {"audit": audit_params(actor, action, objects, detail)})


def events(
    store: Store,
    *,
    actor: str | None = None,
    action: str | None = None,
    object_id: str | None = None,
    event_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    reads: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEventPublic], int]:
    """Events, newest first, with the total matching count. ``actor``: a key id or the key's
    name; ``reads=False`` leaves out the unmasked reads (``*.read``, searches, notice previews),
    which outnumber the changes by far."""
    rows = store.read(
        EVENTS,
        {
            "actor": actor,
            "action": action,
            "object": object_id,
            "event_id": event_id,
            "since": utc_iso(since),
            "until": utc_iso(until),
            "reads": reads,
            "read_actions": READ_ACTIONS,
            "limit": limit,
            "offset": offset,
        },
    )
    row: dict[str, Any] = rows[0] if rows else {"count": 0, "data": []}
    data = []
    for raw in row["data"]:
        item = natives(raw)
        item["detail"] = loads(item.get("detail"), {})
        item["objects"] = list(item.get("objects") or [])
        data.append(AuditEventPublic.model_validate(item))
    return data, int(row["count"])
