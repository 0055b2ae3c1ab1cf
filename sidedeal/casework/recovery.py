"""Recovery orders: the commission owed on a confirmed off-platform sale.

An order belongs to a case (open or notified: the violation was confirmed). The commission due is
``amount x rate`` at the configured rate, kept with the order so a later change of rate never
rewrites what was billed. Creation is idempotent by key: the caller's ``Idempotency-Key``, or else
a digest of the case and the sale (buyer, amount, currency, sale date), so a retried request finds
the order it created; a second identical sale needs a key of its own. Concurrent requests with one
key record one order (a MERGE on the key's unique constraint): one is created, the others replay
it; the caller's key sent with another request is refused (422) rather than replayed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, LiteralString, Self

from pydantic import BaseModel

from sidedeal.casework.audit import AUDIT_CALL, audit_params
from sidedeal.casework.cases import get_case
from sidedeal.casework.common import Actor, natives, new_id
from sidedeal.casework.masking import mask_free_text
from sidedeal.errors import Conflict, IdempotencyKeyReused, NotFound
from sidedeal.graph.outbox import outbox_call
from sidedeal.graph.store import Store

RecoveryStatus = Literal["open", "invoiced", "paid", "waived", "disputed"]

# Where an order may go from each status; paid and waived are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"invoiced", "waived", "disputed"}),
    "invoiced": frozenset({"paid", "waived", "disputed"}),
    "disputed": frozenset({"invoiced", "paid", "waived"}),
    "paid": frozenset(),
    "waived": frozenset(),
}

FIND_BY_KEY: LiteralString = (
    "MATCH (r:RecoveryOrder {idempotency_key: $key}) RETURN r {.*} AS recovery_order"
)

# MERGE on the key (unique constraint): concurrent requests with one key serialise on it, the
# first creates the order and the others find it, instead of failing on the constraint.
CREATE: LiteralString = (
    """
MATCH (c:Case {case_id: $case_id}) WHERE c.status IN ['open', 'notified']
MERGE (r:RecoveryOrder {idempotency_key: $order.idempotency_key})
ON CREATE SET r = $order, r.created_at = datetime(), r._created = true
WITH r, c, coalesce(r._created, false) AS created
REMOVE r._created
WITH r, c, created
CALL (r, c, created) {
  WITH r, c WHERE created
  CREATE (r)-[:FOR_CASE]->(c)
}
"""
    + outbox_call(
        "r, created",
        "'recovery_order.created'",
        "r {.recovery_order_id, .case_id, .seller_id, "
        ".buyer_id, .sale_date, .amount, .currency, .commission_rate, .commission_due, "
        ".status, .created_by}",
        "created",
    )
    + """
CALL (created) {
  WITH created WHERE created
  CREATE (ae:AuditEvent) SET ae = $audit, ae.at = datetime()
}
RETURN r {.*} AS recovery_order, created
"""
)

UPDATE: LiteralString = (
    """
MATCH (r:RecoveryOrder {recovery_order_id: $id}) WHERE r.status = $expected
SET r.status = $status, r.status_note = $note, r.updated_at = datetime()
WITH r
"""
    + AUDIT_CALL
    + "RETURN r {.*} AS recovery_order"
)

GET: LiteralString = (
    "MATCH (r:RecoveryOrder {recovery_order_id: $id}) RETURN r {.*} AS recovery_order"
)

LIST: LiteralString = """
MATCH (r:RecoveryOrder)
WHERE ($case_id IS NULL OR r.case_id = $case_id) AND ($status IS NULL OR r.status = $status)
  AND ($seller_id IS NULL OR r.seller_id = $seller_id)
WITH r ORDER BY r.created_at DESC, r.recovery_order_id
WITH collect(r) AS orders
RETURN size(orders) AS count, [r IN orders[$offset..$offset + $limit] | r {.*}] AS data
"""


class RecoveryOrderPublic(BaseModel):
    recovery_order_id: str
    case_id: str
    seller_id: str
    buyer_id: str | None = None
    sale_date: date | None = None
    amount: float
    currency: str
    commission_rate: float
    commission_due: float
    status: RecoveryStatus
    note: str
    status_note: str | None = None
    created_at: datetime
    created_by: str
    updated_at: datetime | None = None

    def masked(self) -> Self:
        """People's free text (the notes) with its contact values masked."""
        status_note = mask_free_text(self.status_note) if self.status_note else None
        return self.model_copy(
            update={"note": mask_free_text(self.note), "status_note": status_note}
        )


def commission(amount: float, rate: float) -> float:
    """``amount x rate`` rounded half-up to the cent (decimal arithmetic, not binary floats)."""
    due = Decimal(str(amount)) * Decimal(str(rate))
    return float(due.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _key(
    case_id: str, buyer_id: str | None, amount: float, currency: str, sale: date | None
) -> str:
    text = f"{case_id}|{buyer_id or ''}|{amount:.2f}|{currency}|{sale or ''}"
    return "auto:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def create(
    store: Store,
    case_id: str,
    *,
    amount: float,
    currency: str,
    note: str,
    rate: float,
    actor: Actor,
    buyer_id: str | None = None,
    sale_date: date | None = None,
    idempotency_key: str | None = None,
) -> tuple[RecoveryOrderPublic, bool]:
    """Record the order (or return the one this key already made); ``True`` when created now.

    The caller's key sent again with another case or sale (amount, currency, buyer, date or
    note) raises :class:`IdempotencyKeyReused`; a digest key covers the sale only, not the note.
    """
    currency = currency.upper()
    key = idempotency_key or _key(case_id, buyer_id, amount, currency, sale_date)
    wanted = {
        "case_id": case_id,
        "buyer_id": buyer_id,
        "sale_date": sale_date,
        "amount": amount,
        "currency": currency,
        "note": note,
    }
    existing = store.read(FIND_BY_KEY, {"key": key})
    if existing:
        order = RecoveryOrderPublic(**natives(existing[0]["recovery_order"]))
        return _replayed(order, wanted, idempotency_key), False
    case = get_case(store, case_id)
    if case.status not in ("open", "notified"):
        raise Conflict(f"case {case_id} is {case.status}; recovery orders need a confirmed case")
    order_id = new_id("ro")
    values = {
        **wanted,
        "recovery_order_id": order_id,
        "idempotency_key": key,
        "seller_id": case.seller_id,
        "commission_rate": rate,
        "commission_due": commission(amount, rate),
        "status": "open",
        "created_by": actor.key_id,
    }
    detail = {k: str(v) for k, v in values.items() if k in ("amount", "currency", "buyer_id")}
    rows = store.write(
        CREATE,
        {
            "case_id": case_id,
            "order": values,
            "audit": audit_params(actor, "recovery.create", [order_id, case_id], detail),
        },
    )
    if not rows:
        raise Conflict(f"case {case_id} changed while the order was recorded; try again")
    order = RecoveryOrderPublic(**natives(rows[0]["recovery_order"]))
    created = bool(rows[0]["created"])
    return (order if created else _replayed(order, wanted, idempotency_key)), created


def _replayed(
    order: RecoveryOrderPublic, wanted: Mapping[str, object], caller_key: str | None
) -> RecoveryOrderPublic:
    """The order a key already made, when this request is the same one again."""
    differs = [
        name
        for name, value in wanted.items()
        if (caller_key is not None or name != "note") and _differs(getattr(order, name), value)
    ]
    if differs:
        what = f"Idempotency-Key {caller_key!r}" if caller_key else "this sale"
        raise IdempotencyKeyReused(
            f"{what} was already used for recovery order {order.recovery_order_id} "
            f"(case {order.case_id}) with another {', '.join(differs)}; send a new key for "
            "another sale"
        )
    return order


def _differs(stored: object, sent: object) -> bool:
    if isinstance(stored, float) and isinstance(sent, int | float):
        return abs(stored - float(sent)) > 1e-9
    return stored != sent


def get(store: Store, order_id: str) -> RecoveryOrderPublic:
    rows = store.read(GET, {"id": order_id})
    if not rows:
        raise NotFound(f"no recovery order {order_id!r}")
    return RecoveryOrderPublic(**natives(rows[0]["recovery_order"]))


def set_status(
    store: Store, order_id: str, status: RecoveryStatus, note: str | None, actor: Actor
) -> RecoveryOrderPublic:
    """Move an order along its life (open -> invoiced -> paid, or waived / disputed)."""
    order = get(store, order_id)
    if status not in TRANSITIONS[order.status]:
        allowed = ", ".join(sorted(TRANSITIONS[order.status])) or "none (final)"
        raise Conflict(f"recovery order {order_id} is {order.status}; it can become: {allowed}")
    rows = store.write(
        UPDATE,
        {
            "id": order_id,
            "expected": order.status,
            "status": status,
            "note": note,
            "audit": audit_params(
                actor, "recovery.status", [order_id], {"from": order.status, "to": status}
            ),
        },
    )
    if not rows:
        raise Conflict(f"recovery order {order_id} changed meanwhile; read it and try again")
    return RecoveryOrderPublic(**natives(rows[0]["recovery_order"]))


def list_orders(
    store: Store,
    *,
    case_id: str | None = None,
    seller_id: str | None = None,
    status: RecoveryStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[RecoveryOrderPublic], int]:
    rows = store.read(
        LIST,
        {
            "case_id": case_id,
            "seller_id": seller_id,
            "status": status,
            "limit": limit,
            "offset": offset,
        },
    )
    row = rows[0]
    return [RecoveryOrderPublic(**natives(r)) for r in row["data"]], int(row["count"])
