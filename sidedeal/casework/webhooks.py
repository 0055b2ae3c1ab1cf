"""Webhook endpoints: where sidedeal tells other tools that something happened.

An admin registers a URL and the event types it wants (``sidedeal.graph.outbox.EVENT_TYPES``);
the response carries the endpoint's signing secret, once. From then on every change of those types
leaves a pending delivery for it in the same transaction as the change (the outbox), which the
dispatcher (:mod:`.dispatch`) sends, signed, with retries.

URLs are checked against ``SIDEDEAL_WEBHOOK_ALLOWED_HOSTS`` here and again before every
delivery, so a webhook cannot be used to make the API's host call a service it can reach and the
caller cannot (server-side request forgery). Writes record their audit event in their statement.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Literal, LiteralString

from pydantic import BaseModel

from sidedeal.casework.audit import AUDIT_CALL, audit_params
from sidedeal.casework.common import Actor, natives, new_id
from sidedeal.casework.webhook_hosts import check_url
from sidedeal.errors import BadInput, NotFound
from sidedeal.graph.outbox import EVENT_TYPES
from sidedeal.graph.store import Store

DeliveryStatus = Literal["pending", "delivered", "failed", "cancelled"]

FIELDS: LiteralString = """
w {id: w.webhook_id, .url, .events, .description, .enabled, .created_at, .created_by,
   .disabled_at, .disabled_reason, .failing_since, .last_success_at,
   consecutive_failures: coalesce(w.consecutive_failures, 0),
   pending_deliveries: COUNT { MATCH (d:Delivery {webhook_id: w.webhook_id})
                               WHERE d.status = 'pending' }}
"""

CREATE: LiteralString = (
    """
CREATE (w:Webhook) SET w = $webhook, w.created_at = datetime(), w.enabled = true,
                       w.consecutive_failures = 0
WITH w
"""
    + AUDIT_CALL
    + "RETURN "
    + FIELDS
    + " AS webhook"
)

LIST: LiteralString = (
    "MATCH (w:Webhook) WHERE w.deleted_at IS NULL WITH w ORDER BY w.created_at, w.webhook_id "
    "RETURN " + FIELDS + " AS webhook"
)

GET: LiteralString = (
    "MATCH (w:Webhook {webhook_id: $id}) WHERE w.deleted_at IS NULL RETURN "
    + FIELDS
    + " AS webhook"
)

DELETE: LiteralString = (
    """
MATCH (w:Webhook {webhook_id: $id}) WHERE w.deleted_at IS NULL
SET w.deleted_at = datetime(), w.enabled = false
WITH w
CALL (w) {
  MATCH (d:Delivery {webhook_id: w.webhook_id}) WHERE d.status = 'pending'
  SET d.status = 'cancelled'
}
WITH w
"""
    + AUDIT_CALL
    + "RETURN w.webhook_id AS id"
)

ENABLE: LiteralString = (
    """
MATCH (w:Webhook {webhook_id: $id}) WHERE w.deleted_at IS NULL
SET w.enabled = true, w.disabled_at = null, w.disabled_reason = null,
    w.consecutive_failures = 0, w.failing_since = null
WITH w
"""
    + AUDIT_CALL
    + "RETURN "
    + FIELDS
    + " AS webhook"
)

DELIVERY_FIELDS: LiteralString = """
d {.delivery_id, .event_id, .type, .status, .attempts, .created_at, .next_attempt_at,
   .last_attempt_at, .delivered_at, .last_response_code, .last_error, .deadline,
   attempt_log: [(d)-[:ATTEMPT]->(a) | a {.n, .at, .ok, .response_code, .latency_ms, .error}]}
"""

DELIVERIES: LiteralString = (
    """
MATCH (d:Delivery {webhook_id: $id})
WHERE $status IS NULL OR d.status = $status
WITH d ORDER BY d.created_at DESC, d.delivery_id
WITH collect(d) AS found
RETURN size(found) AS count, [d IN found[$offset..$offset + $limit] | """
    + DELIVERY_FIELDS
    + "] AS data"
)

REDELIVER: LiteralString = (
    """
MATCH (d:Delivery {delivery_id: $delivery_id, webhook_id: $id})
SET d.status = 'pending', d.next_attempt_at = datetime(),
    d.deadline = datetime() + duration({seconds: $window_s}),
    d.lease = null, d.lease_until = null, d.redelivered_at = datetime()
WITH d
"""
    + AUDIT_CALL
    + "RETURN "
    + DELIVERY_FIELDS
    + " AS delivery"
)


class WebhookPublic(BaseModel):
    """An endpoint as listed (never with its secret)."""

    id: str
    url: str
    events: list[str]
    description: str | None = None
    enabled: bool
    created_at: datetime
    created_by: str | None = None
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    last_success_at: datetime | None = None
    pending_deliveries: int = 0


class WebhookCreated(WebhookPublic):
    """The one response that carries ``secret``: it signs every delivery; keep it now."""

    secret: str


class AttemptPublic(BaseModel):
    n: int
    at: datetime
    ok: bool
    response_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None


class DeliveryPublic(BaseModel):
    delivery_id: str
    event_id: str
    type: str
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    last_response_code: int | None = None
    last_error: str | None = None
    deadline: datetime | None = None
    attempt_log: list[AttemptPublic] = []


def check_events(events: list[str]) -> list[str]:
    """The event types, de-duplicated (``*``: all of them); BadInput naming an unknown one."""
    wanted = list(EVENT_TYPES) if "*" in events else list(dict.fromkeys(events))
    unknown = [e for e in wanted if e not in EVENT_TYPES]
    if unknown or not wanted:
        raise BadInput(
            f"unknown event type(s) {unknown}; known: {', '.join(EVENT_TYPES)} (or * for all)"
        )
    return wanted


def create(
    store: Store,
    url: str,
    events: list[str],
    description: str | None,
    actor: Actor,
    *,
    allowed_hosts: list[str],
    https_only: bool,
) -> WebhookCreated:
    """Register an endpoint (see the module docstring); its secret is returned only here."""
    checked = check_url(url, allowed_hosts, https_only=https_only)
    types = check_events(events)
    webhook_id, secret = new_id("wh"), "whsec_" + secrets.token_urlsafe(32)
    values: dict[str, Any] = {
        "webhook_id": webhook_id,
        "url": checked,
        "events": types,
        "description": description,
        "secret": secret,
        "created_by": actor.key_id,
    }
    audit = audit_params(actor, "webhook.create", [webhook_id], {"url": checked, "events": types})
    row = store.write(CREATE, {"webhook": values, "audit": audit})[0]
    return WebhookCreated(**natives(row["webhook"]), secret=secret)


def list_webhooks(store: Store) -> list[WebhookPublic]:
    return [WebhookPublic(**natives(r["webhook"])) for r in store.read(LIST)]


def get(store: Store, webhook_id: str) -> WebhookPublic:
    rows = store.read(GET, {"id": webhook_id})
    if not rows:
        raise NotFound(f"no webhook {webhook_id!r}; list them with GET /webhooks")
    return WebhookPublic(**natives(rows[0]["webhook"]))


def delete(store: Store, webhook_id: str, actor: Actor) -> None:
    """Remove an endpoint: nothing more is delivered to it (its pending deliveries are
    cancelled); it stays in the graph, deleted, so its deliveries and audit events still read."""
    audit = audit_params(actor, "webhook.delete", [webhook_id])
    if not store.write(DELETE, {"id": webhook_id, "audit": audit}):
        raise NotFound(f"no webhook {webhook_id!r}; list them with GET /webhooks")


def enable(store: Store, webhook_id: str, actor: Actor) -> WebhookPublic:
    """Turn an endpoint back on (after the dispatcher disabled it); its pending deliveries
    resume, and those whose 24 hours ran out can be sent again with :func:`redeliver`."""
    audit = audit_params(actor, "webhook.enable", [webhook_id])
    rows = store.write(ENABLE, {"id": webhook_id, "audit": audit})
    if not rows:
        raise NotFound(f"no webhook {webhook_id!r}; list them with GET /webhooks")
    return WebhookPublic(**natives(rows[0]["webhook"]))


def deliveries(
    store: Store,
    webhook_id: str,
    *,
    status: DeliveryStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[DeliveryPublic], int]:
    """An endpoint's deliveries, newest first, each with every attempt (status, latency, code)."""
    get(store, webhook_id)
    params = {"id": webhook_id, "status": status, "limit": limit, "offset": offset}
    row = store.read(DELIVERIES, params)[0]
    return [_delivery(raw) for raw in row["data"]], int(row["count"])


def _delivery(raw: dict[str, Any]) -> DeliveryPublic:
    item = natives(raw)
    item["attempt_log"] = sorted(
        (AttemptPublic(**natives(a)) for a in item.get("attempt_log") or []), key=lambda a: a.n
    )
    return DeliveryPublic(**item)


def redeliver(
    store: Store, webhook_id: str, delivery_id: str, actor: Actor, *, window_s: float
) -> DeliveryPublic:
    """Send a delivery again (delivered, failed or pending: now), with a fresh 24 hours of
    retries. The event keeps its id, so a receiver that already has it can tell."""
    get(store, webhook_id)
    audit = audit_params(actor, "webhook.redeliver", [delivery_id, webhook_id])
    params = {"id": webhook_id, "delivery_id": delivery_id, "window_s": window_s, "audit": audit}
    rows = store.write(REDELIVER, params)
    if not rows:
        raise NotFound(f"no delivery {delivery_id!r} for webhook {webhook_id!r}")
    return _delivery(rows[0]["delivery"])
