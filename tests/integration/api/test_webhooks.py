"""Webhooks end to end: endpoints through the API, events written with the changes that cause
them, and the dispatcher delivering them, signed, to real receivers on 127.0.0.1 (one that fails
then recovers, one killed mid-delivery), with retries, leases, give-up and disabling."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sidedeal.casework.dispatch import CLAIM, Dispatcher
from sidedeal.cli import app as cli
from sidedeal.client import verify
from sidedeal.graph.store import Store
from sidedeal.settings import Settings, get_settings

Headers = dict[str, dict[str, str]]
REPO = Path(__file__).resolve().parents[3]
PORTS = itertools.count(8640)  # this worktree's range (8600-8699)
NOTE = {"note": "seen the number, then the silence"}


class Receiver:
    """``tests/integration/webhook_receiver.py`` in its own process, on a port of ours."""

    def __init__(self, folder: Path) -> None:
        self.port = next(PORTS)
        self.log = folder / f"received-{self.port}.jsonl"
        self.url = f"http://127.0.0.1:{self.port}/hooks/sidedeal"
        self.process: subprocess.Popen[str] | None = None

    def start(self, mode: str = "ok") -> Receiver:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.webhook_receiver", str(self.port),
             str(self.log), mode],
            cwd=REPO, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def received(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    made = Receiver(tmp_path)
    yield made
    made.stop()


@pytest.fixture
def hooks(market: Store) -> Store:
    """The market with no webhook, delivery or outbox event left by an earlier test."""
    market.write(
        "MATCH (n) WHERE n:Webhook OR n:Delivery OR n:OutboxEvent OR n:DeliveryAttempt "
        "DETACH DELETE n"
    )
    return market


def tuned(settings: Settings, **changes: Any) -> Settings:
    base = {"webhook_retry_base_s": 60.0, "webhook_retry_max_s": 3600.0, "webhook_timeout_s": 5.0}
    return settings.model_copy(update={**base, **changes})


def register(client: TestClient, as_role: Headers, url: str, events: list[str]) -> dict[str, Any]:
    response = client.post(
        "/webhooks", json={"url": url, "events": events}, headers=as_role["admin"]
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def deliveries(client: TestClient, as_role: Headers, hook: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.get(f"/webhooks/{hook['id']}/deliveries", headers=as_role["admin"])
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def test_endpoints_are_admin_managed_and_hosts_must_be_allowed(
    client: TestClient, as_role: Headers, hooks: Store
) -> None:
    admin = as_role["admin"]
    outside = client.post(
        "/webhooks", json={"url": "http://10.0.0.5/x", "events": ["flag.raised"]}, headers=admin
    )
    assert outside.status_code == 400
    assert "SIDEDEAL_WEBHOOK_ALLOWED_HOSTS" in outside.json()["message"]
    unknown = client.post(
        "/webhooks",
        json={"url": "http://127.0.0.1:9/x", "events": ["flag.exploded"]},
        headers=admin,
    )
    assert unknown.status_code == 400 and "flag.exploded" in unknown.json()["message"]
    made = register(client, as_role, "http://127.0.0.1:9/x", ["flag.decided", "flag.decided"])
    assert made["secret"].startswith("whsec_") and made["events"] == ["flag.decided"]
    listed = client.get("/webhooks", headers=admin).json()
    assert [h["id"] for h in listed["data"]] == [made["id"]]
    assert "secret" not in json.dumps(listed)
    assert client.get("/webhooks", headers=as_role["investigator"]).status_code == 403
    assert client.delete(f"/webhooks/{made['id']}", headers=admin).status_code == 204
    assert client.get("/webhooks", headers=admin).json()["count"] == 0
    assert client.delete(f"/webhooks/{made['id']}", headers=admin).status_code == 404
    actions = hooks.read(
        "MATCH (e:AuditEvent) WHERE $id IN e.objects RETURN e.action AS a ORDER BY e.at",
        {"id": made["id"]},
    )
    assert [r["a"] for r in actions] == ["webhook.create", "webhook.delete"]


def test_nobody_listening_means_no_outbox_rows(
    client: TestClient, as_role: Headers, hooks: Store
) -> None:
    decided = client.post(
        "/flags/seller:s2/decision", json={"decision": "unsure", **NOTE}, headers=as_role["admin"]
    )
    assert decided.status_code == 200
    assert hooks.count("MATCH (e:OutboxEvent) RETURN count(e) AS n") == 0


def test_casework_events_reach_a_real_receiver_signed(
    client: TestClient, as_role: Headers, hooks: Store, settings: Settings, receiver: Receiver
) -> None:
    receiver.start("ok")
    hook = register(client, as_role, receiver.url, ["*"])
    investigator = as_role["investigator"]
    decided = client.post(
        "/flags/pair:b2:s2/decision", json={"decision": "confirmed", **NOTE}, headers=investigator
    ).json()
    case_id = decided["case_ids"][0]
    assert client.post(f"/cases/{case_id}/notices", headers=investigator).status_code == 201
    order = client.post(
        f"/cases/{case_id}/recovery-orders",
        json={"amount": 1200, "currency": "GBP", "note": "one clock sold off the platform"},
        headers=investigator,
    ).json()
    # Each change wrote its event in its own transaction; nothing has been sent yet.
    assert receiver.received() == []
    dispatcher = Dispatcher(hooks, tuned(settings))
    try:
        summary = dispatcher.dispatch_once()
    finally:
        dispatcher.close()
    assert summary.claimed == summary.delivered == 5, summary
    got = receiver.received()
    payloads = [json.loads(r["body"]) for r in got]
    assert sorted(p["type"] for p in payloads) == [
        "case.opened",
        "case.step_changed",
        "flag.decided",
        "notice.issued",
        "recovery_order.created",
    ]
    for request in got:
        signature = request["headers"]["Sidedeal-Signature"]
        verify(hook["secret"], signature, request["body"].encode())
        assert request["headers"]["Sidedeal-Event-Id"] == json.loads(request["body"])["id"]
    by_type = {p["type"]: p["data"] for p in payloads}
    assert by_type["flag.decided"]["status"] == "confirmed"
    assert by_type["flag.decided"]["case_ids"] == [case_id]
    assert by_type["case.opened"]["case_id"] == case_id
    assert by_type["case.opened"]["flag_ids"] == ["pair:b2:s2"]
    assert by_type["case.step_changed"] == {**by_type["case.step_changed"], "status": "notified"}
    assert by_type["notice.issued"]["case_id"] == case_id
    assert by_type["recovery_order.created"]["recovery_order_id"] == order["recovery_order_id"]
    assert by_type["recovery_order.created"]["commission_due"] == 180.0
    listed = deliveries(client, as_role, hook)
    assert {d["status"] for d in listed} == {"delivered"}
    attempt = listed[0]["attempt_log"][0]
    assert attempt["ok"] and attempt["response_code"] == 200 and attempt["latency_ms"] > 0


def test_a_receiver_that_fails_then_recovers_gets_the_event_with_back_off(
    client: TestClient, as_role: Headers, hooks: Store, settings: Settings, receiver: Receiver
) -> None:
    receiver.start("fail:2")
    hook = register(client, as_role, receiver.url, ["flag.decided"])
    client.post(
        "/flags/seller:s2/decision",
        json={"decision": "dismissed", **NOTE},
        headers=as_role["admin"],
    )
    dispatcher = Dispatcher(hooks, tuned(settings))
    t0 = datetime.now(UTC)
    try:
        assert dispatcher.dispatch_once(now=t0).failed_attempts == 1
        assert dispatcher.dispatch_once(now=t0 + timedelta(seconds=30)).claimed == 0  # not due
        assert dispatcher.dispatch_once(now=t0 + timedelta(seconds=70)).failed_attempts == 1
        # The second retry waits twice as long as the first.
        assert dispatcher.dispatch_once(now=t0 + timedelta(seconds=150)).claimed == 0
        assert dispatcher.dispatch_once(now=t0 + timedelta(seconds=210)).delivered == 1
    finally:
        dispatcher.close()
    (delivery,) = deliveries(client, as_role, hook)
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    assert [a["response_code"] for a in delivery["attempt_log"]] == [500, 500, 200]
    ids = {json.loads(r["body"])["id"] for r in receiver.received()}
    assert ids == {delivery["event_id"]}  # one event id across retries: receivers de-duplicate
    state = client.get("/webhooks", headers=as_role["admin"]).json()["data"][0]
    assert state["consecutive_failures"] == 0 and state["enabled"]


def test_a_receiver_killed_mid_delivery_gets_the_same_event_again(
    client: TestClient, as_role: Headers, hooks: Store, settings: Settings, receiver: Receiver
) -> None:
    receiver.start("die")
    hook = register(client, as_role, receiver.url, ["flag.decided"])
    client.post(
        "/flags/seller:s2/decision", json={"decision": "unsure", **NOTE}, headers=as_role["admin"]
    )
    dispatcher = Dispatcher(hooks, tuned(settings))
    t0 = datetime.now(UTC)
    try:
        assert dispatcher.dispatch_once(now=t0).failed_attempts == 1
        assert receiver.process is not None and receiver.process.wait(timeout=10) == 17
        receiver.start("ok")
        assert dispatcher.dispatch_once(now=t0 + timedelta(seconds=70)).delivered == 1
    finally:
        dispatcher.close()
    first, second = receiver.received()
    assert first["answer"] is None and second["answer"] == 200
    assert json.loads(first["body"])["id"] == json.loads(second["body"])["id"]
    (delivery,) = deliveries(client, as_role, hook)
    assert delivery["attempt_log"][0]["error"]  # the connection dropped: said, not hidden


def test_a_dispatcher_that_dies_holding_a_delivery_leaves_it_to_the_next_pass(
    client: TestClient, as_role: Headers, hooks: Store, settings: Settings, receiver: Receiver
) -> None:
    receiver.start("ok")
    register(client, as_role, receiver.url, ["flag.decided"])
    client.post(
        "/flags/seller:s2/decision", json={"decision": "unsure", **NOTE}, headers=as_role["admin"]
    )
    config = tuned(settings)
    now = datetime.now(UTC)
    lease_s = config.webhook_timeout_s + 60
    # A dispatcher claims the delivery and dies before it sends or records anything.
    claimed = hooks.write(
        CLAIM,
        {
            "now": now.isoformat(),
            "lease": "dead",
            "limit": 10,
            "lease_s": lease_s,
            "window_s": 86400,
        },
    )
    assert len(claimed) == 1
    dispatcher = Dispatcher(hooks, config)
    try:
        assert dispatcher.dispatch_once(now=now).claimed == 0  # its lease still holds
        later = now + timedelta(seconds=lease_s + 1)
        assert dispatcher.dispatch_once(now=later).delivered == 1
    finally:
        dispatcher.close()
    assert len(receiver.received()) == 1


def test_an_endpoint_failing_for_long_is_disabled_with_an_audit_event_and_can_come_back(
    client: TestClient, as_role: Headers, hooks: Store, settings: Settings, receiver: Receiver
) -> None:
    hook = register(client, as_role, receiver.url, ["flag.decided"])  # nobody listens there
    client.post(
        "/flags/seller:s2/decision", json={"decision": "unsure", **NOTE}, headers=as_role["admin"]
    )
    dispatcher = Dispatcher(hooks, tuned(settings, webhook_disable_after_s=0.0))
    t0 = datetime.now(UTC)
    try:
        for minutes in (0, 2, 10):
            summary = dispatcher.dispatch_once(now=t0 + timedelta(minutes=minutes))
            assert summary.failed_attempts == 1
        assert summary.disabled == [hook["id"]]
        assert dispatcher.dispatch_once(now=t0 + timedelta(hours=2)).claimed == 0
        state = client.get("/webhooks", headers=as_role["admin"]).json()["data"][0]
        assert not state["enabled"] and "3 in a row" in state["disabled_reason"]
        assert state["pending_deliveries"] == 1
        audit = client.get(
            "/audit", params={"action": "webhook.disable"}, headers=as_role["admin"]
        ).json()
        assert audit["count"] == 1 and audit["data"][0]["objects"] == [hook["id"]]
        receiver.start("ok")
        enabled = client.post(f"/webhooks/{hook['id']}/enable", headers=as_role["admin"])
        assert enabled.status_code == 200 and enabled.json()["enabled"]
        assert dispatcher.dispatch_once(now=t0 + timedelta(hours=2)).delivered == 1
    finally:
        dispatcher.close()


def test_a_delivery_is_given_up_after_its_window_and_can_be_redelivered(
    client: TestClient, as_role: Headers, hooks: Store, settings: Settings, receiver: Receiver
) -> None:
    hook = register(client, as_role, receiver.url, ["flag.decided"])
    client.post(
        "/flags/seller:s2/decision", json={"decision": "unsure", **NOTE}, headers=as_role["admin"]
    )
    # Retries over 90 seconds only: the first retry (60 s) fits, the second (120 s more) does not.
    dispatcher = Dispatcher(hooks, tuned(settings, webhook_retry_window_h=90 / 3600))
    t0 = datetime.now(UTC)
    try:
        assert dispatcher.dispatch_once(now=t0).given_up == 0
        assert dispatcher.dispatch_once(now=t0 + timedelta(seconds=70)).given_up == 1
        (delivery,) = deliveries(client, as_role, hook)
        assert delivery["status"] == "failed" and delivery["attempts"] == 2
        receiver.start("ok")
        again = client.post(
            f"/webhooks/{hook['id']}/deliveries/{delivery['delivery_id']}/redeliver",
            headers=as_role["admin"],
        )
        assert again.status_code == 202 and again.json()["status"] == "pending"
        assert dispatcher.dispatch_once().delivered == 1
    finally:
        dispatcher.close()
    (delivery,) = deliveries(client, as_role, hook)
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    missing = client.post(
        f"/webhooks/{hook['id']}/deliveries/dlv_nope/redeliver", headers=as_role["admin"]
    )
    assert missing.status_code == 404


def test_a_host_taken_off_the_allow_list_gets_nothing_more(
    client: TestClient, as_role: Headers, hooks: Store, settings: Settings, receiver: Receiver
) -> None:
    receiver.start("ok")
    hook = register(client, as_role, receiver.url, ["flag.decided"])
    client.post(
        "/flags/seller:s2/decision", json={"decision": "unsure", **NOTE}, headers=as_role["admin"]
    )
    dispatcher = Dispatcher(hooks, tuned(settings, webhook_allowed_hosts=["hooks.example.com"]))
    try:
        assert dispatcher.dispatch_once().failed_attempts == 1
    finally:
        dispatcher.close()
    assert receiver.received() == []
    (delivery,) = deliveries(client, as_role, hook)
    assert "not sent" in delivery["last_error"]


def test_the_cli_runs_one_dispatch_pass(
    client: TestClient,
    as_role: Headers,
    hooks: Store,
    settings: Settings,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    receiver.start("ok")
    register(client, as_role, receiver.url, ["flag.decided"])
    client.post(
        "/flags/seller:s2/decision", json={"decision": "unsure", **NOTE}, headers=as_role["admin"]
    )
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("SIDEDEAL_WEBHOOK_ALLOWED_HOSTS", '["127.0.0.1"]')
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["webhooks", "dispatch", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["delivered"] == 1
    assert len(receiver.received()) == 1
