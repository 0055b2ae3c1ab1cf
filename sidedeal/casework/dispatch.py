"""The webhook dispatcher: sends the outbox's pending deliveries, signed, at least once.

One pass (:meth:`Dispatcher.dispatch_once`; ``sidedeal webhooks dispatch``, and every few seconds
in ``sidedeal worker``) claims the deliveries that are due, POSTs each event's JSON to its
endpoint with ``Sidedeal-Signature`` (see ``sidedeal.client.signature``) and records the attempt
(when, ok or not, response code, latency, error). A failed attempt is retried with exponential
back-off (``SIDEDEAL_WEBHOOK_RETRY_BASE_S`` doubling up to ``..._MAX_S``) until the delivery's
24 hours (``..._WINDOW_H``) run out; it is then ``failed``. An endpoint that failed every attempt
for ``SIDEDEAL_WEBHOOK_DISABLE_AFTER_S`` (and at least three in a row) is disabled, with an audit
event; an admin turns it back on.

At least once: a claim is a lease, not a lock. A dispatcher that dies mid-delivery leaves its
claims to expire, and the next pass sends them again, under the same event id, which receivers
use to de-duplicate. Redirects are not followed (a redirect could lead anywhere) and the URL's
host is checked against the allow-list again before every attempt.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, LiteralString

import httpx

from sidedeal.casework.audit import AUDIT_CALL, audit_params
from sidedeal.casework.common import Actor, native
from sidedeal.casework.webhook_hosts import check_url
from sidedeal.client.signature import HEADER, sign
from sidedeal.errors import BadInput, StoreUnavailable
from sidedeal.graph.outbox import event_payload
from sidedeal.graph.store import Store
from sidedeal.settings import Settings

log = logging.getLogger("sidedeal.webhooks")
MIN_FAILURES_TO_DISABLE = 3
USER_AGENT = "sidedeal-webhooks/1"

CLAIM: LiteralString = """
MATCH (d:Delivery) WHERE d.status = 'pending' AND d.next_attempt_at <= datetime($now)
  AND (d.lease_until IS NULL OR d.lease_until < datetime($now))
MATCH (w:Webhook {webhook_id: d.webhook_id}) WHERE w.enabled
WITH d, w ORDER BY d.next_attempt_at, d.delivery_id LIMIT $limit
SET d.claim = $lease
// The write above took the delivery's lock: read the lease again, so two dispatchers that
// both saw it free do not both take it.
WITH d, w WHERE d.lease_until IS NULL OR d.lease_until < datetime($now)
SET d.lease = $lease, d.lease_until = datetime($now) + duration({seconds: $lease_s})
WITH d, w
MATCH (d)-[:OF]->(e:OutboxEvent)
RETURN d.delivery_id AS delivery_id, d.attempts AS attempts,
       coalesce(d.deadline, d.created_at + duration({seconds: $window_s})) AS deadline,
       w.webhook_id AS webhook_id, w.url AS url, w.secret AS secret, e {.*} AS event
"""

RECORD: LiteralString = (
    """
MATCH (d:Delivery {delivery_id: $delivery_id}) WHERE d.lease = $lease
CREATE (d)-[:ATTEMPT]->(:DeliveryAttempt {n: d.attempts + 1, at: datetime($at), ok: $ok,
        response_code: $code, latency_ms: $latency_ms, error: $error})
SET d.attempts = d.attempts + 1, d.last_attempt_at = datetime($at),
    d.last_response_code = $code, d.last_error = $error, d.status = $status,
    d.next_attempt_at = CASE WHEN $next IS NULL THEN null ELSE datetime($next) END,
    d.delivered_at = CASE WHEN $ok THEN datetime($at) ELSE d.delivered_at END,
    d.lease = null, d.lease_until = null
WITH d
MATCH (w:Webhook {webhook_id: d.webhook_id})
SET w.consecutive_failures = CASE WHEN $ok THEN 0 ELSE coalesce(w.consecutive_failures, 0) + 1 END,
    w.failing_since = CASE WHEN $ok THEN null ELSE coalesce(w.failing_since, datetime($at)) END,
    w.last_success_at = CASE WHEN $ok THEN datetime($at) ELSE w.last_success_at END
WITH w
WHERE NOT $ok AND w.enabled AND w.consecutive_failures >= $min_failures
  AND w.failing_since <= datetime($at) - duration({seconds: $disable_after_s})
SET w.enabled = false, w.disabled_at = datetime($at),
    w.disabled_reason = 'every attempt failed since ' + toString(w.failing_since) + ' ('
                        + toString(w.consecutive_failures) + ' in a row); last: ' + $error
WITH w
"""
    + AUDIT_CALL
    + "RETURN w.webhook_id AS disabled"
)


@dataclass
class Attempt:
    ok: bool
    code: int | None
    latency_ms: float
    error: str | None


@dataclass
class DispatchSummary:
    claimed: int = 0
    delivered: int = 0
    failed_attempts: int = 0
    given_up: int = 0
    disabled: list[str] = field(default_factory=list)


class Dispatcher:
    """Delivers pending webhook deliveries; see the module docstring."""

    def __init__(
        self, store: Store, settings: Settings, *, http: httpx.Client | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self._http = http or httpx.Client(
            timeout=settings.webhook_timeout_s,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        self._http.close()

    def dispatch_once(self, *, now: datetime | None = None, limit: int = 200) -> DispatchSummary:
        """Claim what is due at ``now`` (default: the clock), deliver it, record each attempt."""
        moment = now or datetime.now(UTC)
        lease = uuid.uuid4().hex
        settings = self.settings
        claimed = self.store.write(
            CLAIM,
            {
                "now": moment.isoformat(),
                "lease": lease,
                "limit": limit,
                "lease_s": settings.webhook_timeout_s + 60,
                "window_s": settings.webhook_retry_window_h * 3600,
            },
        )
        summary = DispatchSummary(claimed=len(claimed))
        if not claimed:
            return summary
        workers = min(settings.webhook_concurrency, len(claimed))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook") as pool:
            for row, attempt in zip(claimed, pool.map(self._deliver, claimed), strict=True):
                self._record(row, attempt, lease, moment, summary)
        return summary

    def _deliver(self, row: dict[str, Any]) -> Attempt:
        settings = self.settings
        try:
            check_url(
                row["url"],
                settings.webhook_allowed_hosts,
                https_only=settings.environment == "production",
            )
        except BadInput as error:
            return Attempt(False, None, 0.0, f"not sent: {error.message}")
        payload = event_payload(row["event"])
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            HEADER: sign(row["secret"], body),
            "Sidedeal-Event-Id": payload["id"],
            "Sidedeal-Delivery-Id": row["delivery_id"],
        }
        started = time.perf_counter()
        try:
            response = self._http.post(row["url"], content=body, headers=headers)
        except httpx.TimeoutException:
            elapsed = (time.perf_counter() - started) * 1000
            return Attempt(False, None, elapsed, f"no answer in {settings.webhook_timeout_s:g} s")
        except httpx.HTTPError as error:
            elapsed = (time.perf_counter() - started) * 1000
            return Attempt(False, None, elapsed, f"{error.__class__.__name__}: {error}"[:300])
        elapsed = (time.perf_counter() - started) * 1000
        if 200 <= response.status_code < 300:
            return Attempt(True, response.status_code, elapsed, None)
        return Attempt(False, response.status_code, elapsed, f"HTTP {response.status_code}")

    def _record(
        self,
        row: dict[str, Any],
        attempt: Attempt,
        lease: str,
        moment: datetime,
        summary: DispatchSummary,
    ) -> None:
        settings = self.settings
        tries = int(row["attempts"]) + 1
        deadline: datetime = native(row["deadline"])
        status, next_at = "delivered", None
        if not attempt.ok:
            delay = min(
                settings.webhook_retry_base_s * 2 ** (tries - 1), settings.webhook_retry_max_s
            )
            upcoming = moment + timedelta(seconds=delay * random.uniform(0.9, 1.1))
            status, next_at = ("pending", upcoming) if upcoming <= deadline else ("failed", None)
        dispatcher = Actor("dispatcher", "webhook dispatcher", "service", lease)
        rows = self.store.write(
            RECORD,
            {
                "delivery_id": row["delivery_id"],
                "lease": lease,
                "at": moment.isoformat(),
                "ok": attempt.ok,
                "code": attempt.code,
                "latency_ms": round(attempt.latency_ms, 1),
                "error": attempt.error,
                "status": status,
                "next": next_at.isoformat() if next_at else None,
                "min_failures": MIN_FAILURES_TO_DISABLE,
                "disable_after_s": settings.webhook_disable_after_s,
                "audit": audit_params(
                    dispatcher, "webhook.disable", [row["webhook_id"]], {"error": attempt.error}
                ),
            },
        )
        summary.delivered += attempt.ok
        summary.failed_attempts += not attempt.ok
        summary.given_up += status == "failed"
        summary.disabled += [r["disabled"] for r in rows if r.get("disabled")]
        if not attempt.ok:
            log.warning(
                "webhook %s delivery %s attempt %d failed: %s",
                row["webhook_id"], row["delivery_id"], tries, attempt.error,
            )  # fmt: skip

    def run(self, stop: threading.Event, every_s: float | None = None) -> None:
        """Dispatch until ``stop`` is set: again at once while a pass filled its batch, else
        every ``every_s`` seconds; Neo4j being away is logged and waited out."""
        period = every_s or self.settings.webhook_dispatch_every_s
        while not stop.is_set():
            wait = period
            try:
                summary = self.dispatch_once()
                if summary.claimed >= 200:
                    wait = 0
            except StoreUnavailable as error:
                log.warning("webhook dispatcher: %s", error.message)
            except Exception:
                log.exception("webhook dispatcher pass failed")
            stop.wait(wait)
