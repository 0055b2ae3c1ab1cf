"""A small typed client of the sidedeal HTTP API: the explorer's only way to the data, and what
the marketplace's own Python services use (the pre-send check, events, flags, decisions,
webhooks).

Every failure becomes an :class:`ApiError` whose message says what a person can do about it
(start the API, fix the key, ask for another role, retry), so pages show it instead of a
traceback. Responses stay plain JSON dicts: the API's OpenAPI document is their contract, and a
client must not import the graph code that produces them. ``tests/integration/api/
test_client.py`` checks that every path this client calls is in ``/openapi.json``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from sidedeal.settings import Settings

JSON = dict[str, Any]


class ApiError(Exception):
    """An API call that failed, with a message meant for the investigator reading it."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def __str__(self) -> str:
        return self.message


def read_key(settings: Settings) -> tuple[str | None, str]:
    """The API key and where it came from: the environment first, then the key file."""
    if settings.dashboard_api_key is not None:
        return settings.dashboard_api_key.get_secret_value(), "SIDEDEAL_DASHBOARD_API_KEY"
    path = settings.dashboard_api_key_file
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None, str(path)
    return key or None, str(path)


class ApiClient:
    """Calls the API with one key over one connection pool (one client per explorer session)."""

    def __init__(
        self,
        base_url: str,
        key: str | None,
        *,
        timeout: float = 30.0,
        key_source: str = "",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``transport``: another way to the API than the network (an in-process app in tests)."""
        self.base_url = base_url.rstrip("/")
        self.key_source = key_source
        self._key = key
        headers = {"X-API-Key": key} if key else {}
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiClient:
        key, source = read_key(settings)
        return cls(
            settings.dashboard_api_url,
            key,
            timeout=settings.dashboard_timeout_s,
            key_source=source,
        )

    def close(self) -> None:
        self._http.close()

    # --- transport ------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: JSON | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """One call; the decoded JSON body, or :class:`ApiError` with an actionable message."""
        if not self._key:
            raise ApiError(
                f"No API key: none in SIDEDEAL_DASHBOARD_API_KEY and none in {self.key_source}. "
                "Create one with `sidedeal keys ensure --file .data/investigator.key "
                "--role investigator` (./run.sh does this), then reload the page.",
                status=401,
                code="no_key",
            )
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = self._http.request(
                method, path, params=clean, json=body, headers=headers or {}
            )
        except httpx.ConnectError:
            raise ApiError(
                f"Cannot reach the sidedeal API at {self.base_url} (connection refused). "
                "Start it with `sidedeal serve` (./run.sh starts everything), or point "
                "SIDEDEAL_DASHBOARD_API_URL at the running API.",
                code="unreachable",
            ) from None
        except httpx.TimeoutException:
            raise ApiError(
                f"The API at {self.base_url} did not answer {method} {path} in time; it may be "
                "busy (an analysis run?). Try again, or raise SIDEDEAL_DASHBOARD_TIMEOUT_S.",
                code="timeout",
            ) from None
        except httpx.HTTPError as error:
            raise ApiError(
                f"The API call {method} {path} failed: {error}", code="transport"
            ) from None
        if response.status_code >= 400:
            raise _error(response, self.key_source)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: JSON | None = None, **headers: str) -> Any:
        return self.request("POST", path, body=body or {}, headers=headers)

    # --- what the pages ask for -------------------------------------------------------------------

    def me(self) -> JSON:
        """The key's name and role, and what it may do (``GET /me``)."""
        return dict(self.get("/me"))

    def can_write(self) -> bool:
        """Whether the key may decide and enforce (investigator or admin); viewers read masked."""
        return bool(self.me()["can_write"])

    def flags(self, **filters: Any) -> JSON:
        result: JSON = self.get("/flags", **filters)
        return result

    def flag(self, flag_id: str) -> JSON:
        return dict(self.get(f"/flags/{segment(flag_id)}"))

    def pair(self, buyer_id: str, seller_id: str) -> JSON:
        return dict(self.get(f"/pairs/{segment(buyer_id)}/{segment(seller_id)}"))

    def decide(self, flag_id: str, decision: str, note: str) -> JSON:
        body = {"decision": decision, "note": note}
        return dict(self.post(f"/flags/{segment(flag_id)}/decision", body))

    def reopen(self, flag_id: str, note: str) -> JSON:
        return dict(self.post(f"/flags/{segment(flag_id)}/reopen", {"note": note}))

    def assign(self, flag_ids: list[str], assignee: str | None) -> JSON:
        return dict(self.post("/flags/assign", {"flag_ids": flag_ids, "assignee": assignee}))

    def case(self, case_id: str) -> JSON:
        return dict(self.get(f"/cases/{segment(case_id)}"))

    def cases(self, **filters: Any) -> JSON:
        """Cases, newest first (``status``, ``seller_id``, ``assignee``, ``step``, paging)."""
        return dict(self.get("/cases", **filters))

    def comments(self, case_id: str) -> list[JSON]:
        return list(self.get(f"/cases/{segment(case_id)}/comments")["data"])

    def add_comment(self, case_id: str, body: str) -> JSON:
        return dict(self.post(f"/cases/{segment(case_id)}/comments", {"body": body}))

    def notices(self, **filters: Any) -> JSON:
        """Notices issued, newest first (``case_id``, ``seller_id``, ``limit``)."""
        return dict(self.get("/notices", **filters))

    def recovery_orders(self, **filters: Any) -> JSON:
        """Recovery orders, newest first (``status``, ``seller_id``, ``case_id``, paging)."""
        return dict(self.get("/recovery-orders", **filters))

    def audit(self, **filters: Any) -> JSON:
        """Audit events, newest first (``actor``, ``action``, ``object``, ``since``, ``until``)."""
        return dict(self.get("/audit", **filters))

    def allow_list(self, include_expired: bool = False, limit: int = 50, offset: int = 0) -> JSON:
        return dict(
            self.get("/allow-list", include_expired=include_expired, limit=limit, offset=offset)
        )

    def lift_allow_list(self, buyer_id: str, seller_id: str) -> None:
        self.request("DELETE", f"/pairs/{segment(buyer_id)}/{segment(seller_id)}/allow-list")

    def enforcement(self, seller_id: str) -> JSON:
        return dict(self.get(f"/sellers/{segment(seller_id)}/enforcement"))

    def notice_preview(self, case_id: str) -> JSON:
        return dict(self.get(f"/cases/{segment(case_id)}/notice-preview"))

    def issue_notice(self, case_id: str) -> JSON:
        return dict(self.post(f"/cases/{segment(case_id)}/notices"))

    def recovery_order(self, case_id: str, body: JSON, idempotency_key: str) -> JSON:
        path = f"/cases/{segment(case_id)}/recovery-orders"
        headers = {"Idempotency-Key": idempotency_key}
        return dict(self.request("POST", path, body=body, headers=headers))

    def profile(self, kind: str, account_id: str) -> JSON:
        return dict(self.get(f"/{kind}s/{segment(account_id)}"))

    def network(self, seller_id: str, depth: int, limit: int) -> JSON:
        return dict(self.get(f"/sellers/{segment(seller_id)}/network", depth=depth, limit=limit))

    def identifier_kinds(self) -> list[JSON]:
        return list(self.get("/identifier-kinds")["data"])

    def search(self, query: str, kind: str = "auto", country: str | None = None) -> JSON:
        return dict(self.get("/search", q=query, kind=kind, country=country))

    def runs(self, limit: int = 50) -> JSON:
        return dict(self.get("/runs", limit=limit))

    def start_run(self) -> JSON:
        return dict(self.post("/runs"))

    def signals(self, since: str | None = None) -> list[JSON]:
        """Precision per factor and weights version, from decisions (investigators, admins)."""
        return list(self.get("/signals", since=since))

    def weights_versions(self) -> list[JSON]:
        return list(self.get("/weights"))

    # --- the marketplace's services: pre-send check, events, webhooks ---------------------------

    def scan(
        self,
        text: str,
        country: str | None = None,
        *,
        sender_role: str | None = None,
        conversation_id: str | None = None,
        message_id: str | None = None,
    ) -> JSON:
        """May this message go out? ``{"action": "allow"|"nudge"|"hold", "reason", "rules",
        "findings", "cues"}`` (``POST /scan``)."""
        body = {
            "text": text,
            "country": country,
            "sender_role": sender_role,
            "conversation_id": conversation_id,
            "id": message_id,
        }
        return dict(self.post("/scan", {k: v for k, v in body.items() if v is not None}))

    def scan_many(self, messages: list[JSON]) -> list[JSON]:
        """The pre-send check for a batch (each ``{"text", "country", "sender_role", ...}``);
        the verdicts in the same order."""
        return list(self.post("/scan", {"messages": messages})["results"])

    def send_event(self, event_type: str, data: JSON) -> JSON:
        """One contract row as an event; the answer for it (``accepted``, ``duplicate`` or
        ``rejected`` with the reason) is ``result["data"][0]``."""
        return dict(self.post("/events", {"type": event_type, "data": data}))

    def send_events(self, events: list[JSON]) -> JSON:
        """A batch of ``{"type", "data"}`` events; one answer per event, in order."""
        return dict(self.post("/events", {"events": events}))

    def webhooks(self) -> JSON:
        return dict(self.get("/webhooks"))

    def create_webhook(self, url: str, events: list[str], description: str | None = None) -> JSON:
        """Register an endpoint; the response's ``secret`` is shown this once (keep it)."""
        body: JSON = {"url": url, "events": events}
        if description is not None:
            body["description"] = description
        return dict(self.post("/webhooks", body))

    def delete_webhook(self, webhook_id: str) -> None:
        self.request("DELETE", f"/webhooks/{segment(webhook_id)}")

    def enable_webhook(self, webhook_id: str) -> JSON:
        return dict(self.post(f"/webhooks/{segment(webhook_id)}/enable"))

    def deliveries(self, webhook_id: str, **filters: Any) -> JSON:
        return dict(self.get(f"/webhooks/{segment(webhook_id)}/deliveries", **filters))

    def redeliver(self, webhook_id: str, delivery_id: str) -> JSON:
        path = f"/webhooks/{segment(webhook_id)}/deliveries/{segment(delivery_id)}/redeliver"
        return dict(self.post(path))


def segment(value: str) -> str:
    """A path segment: ids such as ``pair:b1:s1`` keep their colons; ``/``, ``#``, ``?`` and
    the like are escaped, so a typed id can never reach another endpoint."""
    return quote(value, safe=":@-_~").replace(".", "%2E")


def _error(response: httpx.Response, key_source: str) -> ApiError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = str(body.get("message") or response.reason_phrase or "no detail")
    code = body.get("error")
    request_id = body.get("request_id") or response.headers.get("X-Request-ID")
    quote = f" (request id {request_id})" if request_id else ""
    if status == 401:
        message = (
            f"The API refused the key from {key_source} (401: {detail}). Put a working key in "
            "SIDEDEAL_DASHBOARD_API_KEY or run `sidedeal keys ensure --file "
            ".data/investigator.key --role investigator`, then reload."
        )
    elif status == 403:
        message = (
            f"Your API key may not do this (403: {detail}). Ask an admin for an investigator key."
        )
    elif status == 404:
        message = f"Not found: {detail}. Check the id, or find it on the Search page."
    elif status == 409:
        message = f"Not done: {detail}."
    elif status == 422:
        fields = body.get("fields") or []
        named = "; ".join(f"{f.get('field')}: {f.get('message')}" for f in fields) or detail
        message = f"The API refused the input: {named}."
    elif status == 503:
        message = (
            f"The graph database is unavailable (503: {detail}). Retry in a few seconds; "
            "`sidedeal neo4j status` says whether Neo4j runs."
        )
    else:
        message = f"The API failed ({status}: {detail}){quote}; retry, or report the request id."
    return ApiError(message, status=status, code=str(code) if code else None)
