"""Webhook endpoints and their deliveries (admin): who is told what, and whether it arrived."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from sidedeal.api.deps import AdminDep, SettingsDep, StoreDep
from sidedeal.api.routers.params import Limit, Offset
from sidedeal.api.schemas.bodies import WebhookIn
from sidedeal.api.schemas.common import READ_ERRORS, WRITE_ERRORS
from sidedeal.api.schemas.lists import DeliveriesPublic, WebhooksPublic
from sidedeal.casework import webhooks
from sidedeal.casework.webhooks import (
    DeliveryPublic,
    DeliveryStatus,
    WebhookCreated,
    WebhookPublic,
)

router = APIRouter(tags=["webhooks"])
WebhookId = Annotated[str, Path(min_length=1, max_length=100, description="A webhook id.")]
DeliveryId = Annotated[str, Path(min_length=1, max_length=100, description="A delivery id.")]


@router.post("/webhooks", response_model=WebhookCreated, status_code=201, responses=WRITE_ERRORS)
def create_webhook(
    body: WebhookIn, actor: AdminDep, store: StoreDep, settings: SettingsDep
) -> WebhookCreated:
    """Register an endpoint for some event types. The response's ``secret`` signs every
    delivery (``Sidedeal-Signature``) and is shown only now."""
    return webhooks.create(
        store,
        body.url,
        body.events,
        body.description,
        actor,
        allowed_hosts=settings.webhook_allowed_hosts,
        https_only=settings.environment == "production",
    )


@router.get("/webhooks", response_model=WebhooksPublic, responses=READ_ERRORS)
def list_webhooks(actor: AdminDep, store: StoreDep) -> WebhooksPublic:
    """Every endpoint, with its state (enabled, failing since, pending deliveries)."""
    data = webhooks.list_webhooks(store)
    return WebhooksPublic(data=data, count=len(data))


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=WRITE_ERRORS)
def delete_webhook(webhook_id: WebhookId, actor: AdminDep, store: StoreDep) -> Response:
    """Stop delivering to an endpoint (its pending deliveries are cancelled)."""
    webhooks.delete(store, webhook_id, actor)
    return Response(status_code=204)


@router.post("/webhooks/{webhook_id}/enable", response_model=WebhookPublic, responses=WRITE_ERRORS)
def enable_webhook(webhook_id: WebhookId, actor: AdminDep, store: StoreDep) -> WebhookPublic:
    """Turn an endpoint the dispatcher disabled back on; its pending deliveries resume."""
    return webhooks.enable(store, webhook_id, actor)


@router.get(
    "/webhooks/{webhook_id}/deliveries", response_model=DeliveriesPublic, responses=READ_ERRORS
)
def list_deliveries(
    webhook_id: WebhookId,
    actor: AdminDep,
    store: StoreDep,
    status: DeliveryStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeliveriesPublic:
    """The endpoint's deliveries, newest first, each with every attempt (time, status code,
    latency, error)."""
    data, count = webhooks.deliveries(store, webhook_id, status=status, limit=limit, offset=offset)
    return DeliveriesPublic(data=data, count=count)


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryPublic,
    status_code=202,
    responses=WRITE_ERRORS,
)
def redeliver(
    webhook_id: WebhookId,
    delivery_id: DeliveryId,
    actor: AdminDep,
    store: StoreDep,
    settings: SettingsDep,
) -> DeliveryPublic:
    """Send a delivery again (same event id), at the dispatcher's next pass."""
    return webhooks.redeliver(
        store, webhook_id, delivery_id, actor, window_s=settings.webhook_retry_window_h * 3600
    )
