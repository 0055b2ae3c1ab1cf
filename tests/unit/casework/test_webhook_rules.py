"""Which webhook URLs and event types sidedeal accepts (no request forgery through a webhook)."""

from __future__ import annotations

import pytest

from sidedeal.casework.webhook_hosts import check_url, host_allowed
from sidedeal.casework.webhooks import check_events
from sidedeal.errors import BadInput
from sidedeal.graph.outbox import EVENT_TYPES

ALLOWED = ["hooks.example.com", "*.partner.example", "127.0.0.1:8080", "[::1]:9000"]


@pytest.mark.parametrize(
    ("host", "port", "ok"),
    [
        ("hooks.example.com", 443, True),
        ("HOOKS.example.com", None, True),
        ("evil-hooks.example.com", 443, False),
        ("hooks.example.com.evil.net", 443, False),
        ("a.partner.example", 443, True),
        ("a.b.partner.example", 443, True),
        ("partner.example", 443, False),
        ("127.0.0.1", 8080, True),
        ("127.0.0.1", 7687, False),
        ("localhost", 8080, False),
        ("::1", 9000, True),
        ("169.254.169.254", 80, False),
    ],
)
def test_hosts_are_matched_by_name_port_and_wildcard(host: str, port: int | None, ok: bool) -> None:
    assert host_allowed(host, port, ALLOWED) is ok


def test_the_default_allow_list_refuses_everything_and_says_where_to_add_a_host() -> None:
    with pytest.raises(BadInput, match=r"SIDEDEAL_WEBHOOK_ALLOWED_HOSTS.*empty"):
        check_url("http://127.0.0.1:8080/hook", [], https_only=False)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://hooks.example.com/x", "must start with http:// or https://"),
        ("https://user:pw@hooks.example.com/x", "credentials"),
        ("https:///nohost", "names no host"),
        ("https://hooks.example.com:99999/x", "not a URL"),
        ("http://127.0.0.1:7474/db", "not in SIDEDEAL_WEBHOOK_ALLOWED_HOSTS"),
    ],
)
def test_bad_urls_are_refused_with_the_rule_they_break(url: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        check_url(url, ALLOWED, https_only=False)


def test_production_wants_https() -> None:
    assert check_url("https://hooks.example.com/x", ALLOWED, https_only=True)
    with pytest.raises(BadInput, match="must start with https://"):
        check_url("http://hooks.example.com/x", ALLOWED, https_only=True)


def test_event_types_are_checked_and_star_means_all() -> None:
    assert check_events(["flag.raised", "flag.raised", "run.completed"]) == [
        "flag.raised",
        "run.completed",
    ]
    assert check_events(["*"]) == list(EVENT_TYPES)
    with pytest.raises(BadInput, match=r"flag\.deleted"):
        check_events(["flag.deleted"])
