"""Where webhooks may deliver: ``SIDEDEAL_WEBHOOK_ALLOWED_HOSTS``, checked when an endpoint is
registered and again before every attempt.

A webhook makes the API's host send requests to a URL someone typed; without a check that is
server-side request forgery (Neo4j's ports, the API itself, a cloud's metadata address). So a URL
must name a host the operator listed, must not carry credentials, and in production must be
``https``. Entries are host names or addresses (any port), ``host:port`` (that port), or
``*.example.com`` (its subdomains, not the domain itself).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sidedeal.errors import BadInput


def host_allowed(host: str, port: int | None, allowed: list[str]) -> bool:
    """Whether ``host`` (and ``port``) is named by an entry of the allow-list: ``host`` (any
    port), ``host:port``, or ``*.domain`` (its subdomains, not the domain itself)."""
    host = host.lower().strip("[]")
    for entry in allowed:
        name, _, entry_port = entry.rpartition(":") if _has_port(entry) else (entry, "", "")
        name = name.strip("[]")
        if entry_port and str(port) != entry_port:
            continue
        if name.startswith("*."):
            if host.endswith(name[1:]) and host != name[2:]:
                return True
        elif host == name:
            return True
    return False


def _has_port(entry: str) -> bool:
    # "host:8080" or "[::1]:8080", but not a bare IPv6 address.
    return entry.rsplit(":", 1)[-1].isdigit() and (entry.count(":") == 1 or "]:" in entry)


def check_url(url: str, allowed: list[str], *, https_only: bool) -> str:
    """The URL if sidedeal may deliver to it; BadInput naming the rule it breaks otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise BadInput(f"webhook url {url!r} is not a URL ({error})") from None
    schemes = ("https",) if https_only else ("http", "https")
    if parts.scheme not in schemes:
        raise BadInput(f"webhook url must start with {' or '.join(s + '://' for s in schemes)}")
    if not parts.hostname:
        raise BadInput(f"webhook url {url!r} names no host")
    if parts.username or parts.password:
        raise BadInput("webhook url must not carry credentials (the signature authenticates)")
    if not host_allowed(parts.hostname, port, allowed):
        raise BadInput(
            f"host {parts.hostname!r} is not in SIDEDEAL_WEBHOOK_ALLOWED_HOSTS "
            f"({', '.join(allowed) or 'empty: no host is allowed'}); an operator adds it there"
        )
    return url.strip()
