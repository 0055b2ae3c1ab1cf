"""Keys: bearer tokens, revocation, keys stored hashed; masked bodies that keep their spans; the
audit trail of writes and unmasked reads. (Roles and masking on every route: test_routes.py.)"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sidedeal.cli import app as cli
from sidedeal.graph.store import Store
from sidedeal.settings import Settings, get_settings

Headers = dict[str, dict[str, str]]


def test_a_bearer_token_works_and_a_revoked_key_stops_at_once(
    client: TestClient, as_role: Headers
) -> None:
    made = client.post("/keys", json={"role": "viewer", "name": "tmp"}, headers=as_role["admin"])
    assert made.status_code == 201
    key, key_id = made.json()["key"], made.json()["key_id"]
    bearer = {"Authorization": f"Bearer {key}"}
    assert client.get("/flags", headers=bearer).status_code == 200
    revoked = client.post(f"/keys/{key_id}/revoke", headers=as_role["admin"])
    assert revoked.json()["revoked"] is True
    assert client.get("/flags", headers=bearer).status_code == 401
    listed = client.get("/keys", headers=as_role["admin"]).json()["data"]
    assert all("key" not in k and "hash" not in k for k in listed)


def test_keys_are_stored_hashed_and_the_cli_prints_one_once(
    market: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch, keys: dict[str, str]
) -> None:
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["keys", "create", "--role", "viewer", "--name", "bi"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip().splitlines()[-1]
    assert printed.startswith("sdk_")
    stored = market.read("MATCH (k:ApiKey) RETURN properties(k) AS p")
    dump = json.dumps([r["p"] for r in stored], default=str)
    for secret in [printed, *keys.values()]:
        assert secret.split("_", 2)[2] not in dump
    bad = CliRunner().invoke(cli, ["keys", "create", "--role", "root"])
    assert bad.exit_code == 2


def test_viewer_bodies_keep_their_length_so_spans_still_highlight(
    client: TestClient, as_role: Headers
) -> None:
    plain = client.get("/pairs/b3/s2", headers=as_role["investigator"]).json()
    masked = client.get("/pairs/b3/s2", headers=as_role["viewer"]).json()
    m6 = plain["conversations"][0]["messages"][1]
    m6_masked = masked["conversations"][0]["messages"][1]
    assert len(m6_masked["body"]) == len(m6["body"])
    handle = next(f for f in m6_masked["findings"] if f["kind"] == "handle")
    assert set(m6_masked["body"][handle["start"] : handle["end"]]) == {"*"}
    assert m6_masked["body"].startswith("Add me on telegram ")  # the cue stays readable
    assert handle["value"] == "telegram:h***"


def test_writes_and_unmasked_reads_are_audited_with_the_request_id(
    client: TestClient, as_role: Headers, keys: dict[str, str]
) -> None:
    investigator = {**as_role["investigator"], "X-Request-ID": "req-audit-1"}
    client.get("/pairs/b2/s2", headers=investigator)
    client.post(
        "/flags/pair:b2:s2/assign",
        json={"assignee": "zoe"},
        headers={**as_role["investigator"], "X-Request-ID": "req-audit-2"},
    )
    client.get("/pairs/b2/s2", headers={**as_role["viewer"], "X-Request-ID": "req-audit-3"})
    events = client.get("/audit?limit=500", headers=as_role["admin"]).json()["data"]
    by_request = {e["request_id"]: e for e in events}
    read = by_request["req-audit-1"]
    assert read["action"] == "pair.read" and read["objects"] == ["pair:b2:s2"]
    assert read["role"] == "investigator" and read["actor_name"] == "test investigator"
    write = by_request["req-audit-2"]
    assert write["action"] == "flag.assign" and write["objects"] == ["pair:b2:s2"]
    assert write["detail"] == {"assignee": "zoe"}
    assert "req-audit-3" not in by_request  # a masked read shows no contact data
    one = client.get(f"/audit/{write['event_id']}", headers=as_role["investigator"]).json()
    assert one == write
    mine = client.get(
        "/audit",
        params={"actor": write["actor"], "action": "flag.assign"},
        headers=as_role["admin"],
    ).json()
    assert mine["count"] >= 1 and {e["action"] for e in mine["data"]} == {"flag.assign"}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
def test_the_audit_trail_cannot_be_edited(
    client: TestClient, as_role: Headers, method: str
) -> None:
    event = client.get("/audit?limit=1", headers=as_role["admin"]).json()["data"][0]
    for path in ("/audit", f"/audit/{event['event_id']}"):
        response = client.request(
            method, path, json={"action": "nothing"}, headers=as_role["admin"]
        )
        assert response.status_code == 405, (method, path)
        assert response.json()["error"] == "method_not_allowed"
    again = client.get(f"/audit/{event['event_id']}", headers=as_role["admin"]).json()
    assert again == event


@pytest.mark.parametrize("role", ["viewer", "investigator", "admin"])
def test_me_says_who_the_key_is_and_what_it_may_do(
    client: TestClient, as_role: Headers, role: str
) -> None:
    me = client.get("/me", headers=as_role[role])
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["role"] == role and body["key_id"] and body["name"]
    assert body["can_write"] is (role != "viewer")
    assert body["unmasked"] is (role != "viewer")
    assert body["can_manage_keys"] is (role == "admin")
    assert client.get("/me").status_code == 401
