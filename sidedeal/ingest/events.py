"""Contract rows that arrive one at a time (``POST /events``), checked and written as ingest does.

An event is ``{"type": "message" | "order" | ..., "data": {...}}`` where ``data`` is one row of
the data contract. It goes through the same code as a row of a file: the same validators
(:mod:`.validate`), the same reference checks and writes (:mod:`.loaders`, scanner included) and
the same derived pair edge (:data:`.queries.DERIVE_DEALT_WITH`). What differs:

- **Every event gets an answer**: ``accepted``, ``duplicate`` or ``rejected`` with the reason
  (the rejects file of a batch ingest becomes the response).
- **Atomic per event.** An event's writes (its node, a message's mentions, the pair edge) and
  its receipt are one transaction, so a rejected event writes nothing and an accepted one is
  never half-written, even if the process dies. A batch is split by entity in the contract's
  load order (a conversation before its messages), one transaction per entity.
- **Idempotent by the row's id.** Each accepted event leaves an ``(:EventReceipt {key, digest})``
  (``message:m1``; a contact's key is its account, kind and value). The same event again is a
  ``duplicate`` and writes nothing. The same id with other content updates the row as a batch
  ingest would (an order that was paid, a profile's new phone), except for a message: a message
  once sent does not change, so that is ``rejected`` (an edit is a new message).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, LiteralString

from sidedeal.errors import Conflict
from sidedeal.graph.store import Store
from sidedeal.ingest import queries as q
from sidedeal.ingest import validate as v
from sidedeal.ingest.contract import BY_NAME
from sidedeal.ingest.loaders import Scanner, Write
from sidedeal.ingest.pipeline import VALIDATORS, Loader, entity_loaders
from sidedeal.ingest.readers import clean

Status = Literal["accepted", "duplicate", "rejected"]
Pair = tuple[str, str]

# The event types and the contract entity each one is a row of, in load order.
ENTITY_OF: dict[str, str] = {
    "seller": "sellers",
    "buyer": "buyers",
    "listing": "listings",
    "conversation": "conversations",
    "message": "messages",
    "order": "orders",
    "contact": "contacts",
}
ORDER = list(BY_NAME)

RECEIPTS: LiteralString = """
UNWIND $keys AS key
MATCH (r:EventReceipt {key: key})
RETURN collect({key: key, digest: r.digest}) AS rows
"""

# Taken first in an event's transaction: the accounts of the pairs it touches, buyers then
# sellers, each in id order. Two requests for one pair (a conversation's messages sent at once)
# then wait for each other instead of deadlocking on the pair edge's MERGE, and requests for
# different pairs take their locks in one global order.
LOCK_ACCOUNTS: LiteralString = """
CALL () {
  UNWIND $buyers AS id
  MATCH (b:Buyer {buyer_id: id})
  SET b.events_lock = true REMOVE b.events_lock
}
CALL () {
  UNWIND $sellers AS id
  MATCH (s:Seller {seller_id: id})
  SET s.events_lock = true REMOVE s.events_lock
}
"""

# A new event's receipt is CREATEd: if another request wrote the same event since this one
# looked (between the look-up and this transaction), the uniqueness constraint refuses it and the
# whole transaction, and the event is looked at again (a duplicate then).
WRITE_RECEIPTS: LiteralString = """
UNWIND $rows AS row
CALL (row) {
  WITH row WHERE row.before IS NULL
  CREATE (r:EventReceipt {key: row.key})
  SET r.digest = row.digest, r.type = row.type, r.received_at = datetime()
}
CALL (row) {
  WITH row WHERE row.before IS NOT NULL
  MERGE (r:EventReceipt {key: row.key})
  SET r.digest = row.digest, r.type = row.type, r.received_at = datetime()
}
"""


@dataclass
class EventOutcome:
    """The answer for one event, in the order the events were sent."""

    index: int
    type: str | None
    id: str | None
    status: Status
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class EventsResult:
    outcomes: list[EventOutcome]
    # Buyer-seller pairs whose evidence changed (an accepted message, order or conversation).
    pairs: set[Pair] = field(default_factory=set)
    findings: int = 0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


@dataclass
class _Parsed:
    outcome: EventOutcome
    entity: str
    key: str
    digest: str
    row: dict[str, Any]


def event_key(entity: str, row: Mapping[str, Any]) -> str:
    """What makes an event the same event: its row's id (a contact: account, kind and value)."""
    spec = BY_NAME[entity]
    if spec.key is None:
        parts = (row["account_type"], row["account_id"], row["kind"], row["value"].strip())
        return "contact:" + ":".join(parts)
    return f"{entity.removesuffix('s')}:{row[spec.key]}"


def _digest(row: Mapping[str, Any]) -> str:
    text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def parse(index: int, event: Any) -> _Parsed | EventOutcome:
    """One event checked as ingest checks a row; a rejected outcome when it breaks the contract."""
    if not isinstance(event, Mapping):
        return EventOutcome(index, None, None, "rejected", "an event is an object {type, data}")
    kind = event.get("type")
    entity = ENTITY_OF.get(kind) if isinstance(kind, str) else None
    name = kind if isinstance(kind, str) else None
    if entity is None:
        reason = f"unknown type {kind!r} (one of {', '.join(ENTITY_OF)})"
        return EventOutcome(index, name, None, "rejected", reason)
    data = event.get("data")
    if not isinstance(data, Mapping):
        return EventOutcome(
            index, name, None, "rejected", "data must be an object (a contract row)"
        )
    spec = BY_NAME[entity]
    ident = data.get(spec.key) if spec.key else None
    outcome = EventOutcome(index, name, clean(ident) if ident is not None else None, "rejected")
    nested = sorted(k for k in spec.columns if isinstance(data.get(k), Mapping | list))
    if nested:
        outcome.reason = f"{', '.join(nested)}: a contract value is a string, number or null"
        return outcome
    unknown = sorted(str(k) for k in data if k not in spec.columns)
    if unknown:
        outcome.warnings.append(f"unknown field(s) ignored: {', '.join(unknown)}")
    values = {column: clean(data.get(column)) for column in spec.columns}
    try:
        row = VALIDATORS[entity](values)
    except v.RowError as error:
        outcome.reason = str(error)
        return outcome
    key = event_key(entity, row)
    if spec.key is None:
        outcome.id = key.removeprefix("contact:")
    return _Parsed(outcome, entity, key, _digest(row), row)


def apply_events(store: Store, events: list[Any], scanner: Scanner | None) -> EventsResult:
    """Check and write a batch of events; see the module docstring."""
    outcomes: list[EventOutcome] = []
    groups: dict[str, list[_Parsed]] = {}
    for index, event in enumerate(events):
        parsed = parse(index, event)
        if isinstance(parsed, EventOutcome):
            outcomes.append(parsed)
            continue
        outcomes.append(parsed.outcome)
        groups.setdefault(parsed.entity, []).append(parsed)
    result = EventsResult(outcomes)
    loaders = entity_loaders(scanner)
    for entity in sorted(groups, key=ORDER.index):
        try:
            _apply_group(store, entity, groups[entity], loaders[entity], result, retried=False)
        except Conflict:
            # Another request wrote one of these events meanwhile (the constraint on a new
            # message refused ours, and nothing was written): ask again, and they are duplicates.
            for item in groups[entity]:
                item.outcome.status, item.outcome.reason = "rejected", None
            _apply_group(store, entity, groups[entity], loaders[entity], result, retried=True)
    return result


def _apply_group(
    store: Store,
    entity: str,
    items: list[_Parsed],
    loader: Loader,
    result: EventsResult,
    *,
    retried: bool,
) -> None:
    stored = store.read_plain(RECEIPTS, {"keys": sorted({i.key for i in items})})
    known: dict[str, str] = {r["key"]: r["digest"] for r in stored[0]["rows"]} if stored else {}
    fresh: list[_Parsed] = []
    seen: dict[str, str] = {}
    for item in items:
        before = seen.get(item.key, known.get(item.key))
        if before == item.digest:
            item.outcome.status = "duplicate"
        elif before is not None and (entity == "messages" or item.key in seen):
            item.outcome.reason = (
                f"{item.key} was already received with other content; a message does not change "
                "once sent (send an edit as a new message)"
                if entity == "messages"
                else f"{item.key} appears twice in this batch with different content"
            )
        else:
            fresh.append(item)
        seen.setdefault(item.key, item.digest)
    if not fresh:
        return
    planned = loader.load(store, [item.row for item in fresh])
    refused = dict(planned.rejected)
    accepted = [item for n, item in enumerate(fresh) if n not in refused]
    for n, reason in refused.items():
        fresh[n].outcome.reason = reason
    if not accepted:
        return
    receipts = [
        {"key": i.key, "digest": i.digest, "type": i.outcome.type, "before": known.get(i.key)}
        for i in accepted
    ]
    pairs = sorted(planned.pairs)
    statements: list[Write] = []
    if pairs:
        accounts = {
            "buyers": sorted({b for b, _ in pairs}),
            "sellers": sorted({s for _, s in pairs}),
        }
        statements.append((LOCK_ACCOUNTS, accounts, None))
    # Receipts before the rows: a request that lost a race stops here, before it waits on more.
    statements.append((WRITE_RECEIPTS, {"rows": receipts}, None))
    statements += planned.writes
    if pairs:
        chunk = [{"buyer_id": b, "seller_id": s} for b, s in pairs]
        statements.append((q.DERIVE_DEALT_WITH, {"pairs": chunk}, None))
    # The second time round, a message CREATE the constraint refuses (a batch ingest wrote it
    # meanwhile) runs as the MERGE it falls back to, as in a batch ingest.
    store.write_many(
        [
            ((fallback or query) if retried else query, params)
            for query, params, fallback in statements
        ]
    )
    for item in accepted:
        item.outcome.status = "accepted"
    result.pairs |= set(pairs)
    result.findings += planned.findings
