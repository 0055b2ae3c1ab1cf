"""Webhook signatures, as Stripe signs: ``Sidedeal-Signature: t=<unix seconds>,v1=<hex>``.

``v1`` is the hex HMAC-SHA256, keyed with the endpoint's secret (the whole ``whsec_...`` text),
of ``"<t>.<raw body>"``. The dispatcher signs with :func:`sign`; a receiver checks with
:func:`verify`, on the raw bytes it received (not on JSON it parsed and dumped again), and
refuses a timestamp older than five minutes so a captured request cannot be replayed later.
Several ``v1`` values may appear (while a secret is being replaced); one match is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Sidedeal-Signature"
TOLERANCE_S = 300


class SignatureError(ValueError):
    """The signature is missing, malformed, wrong, or too old; ``str()`` says which."""


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for ``body`` sent at ``timestamp`` (default: now)."""
    moment = int(time.time()) if timestamp is None else timestamp
    return f"t={moment},v1={_mac(secret, moment, body)}"


def verify(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    tolerance_s: int = TOLERANCE_S,
    now: float | None = None,
) -> int:
    """Check a delivery's signature; return its timestamp, or raise :class:`SignatureError`."""
    if not header:
        raise SignatureError(f"no {HEADER} header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError(f"{HEADER} must read t=<unix seconds>,v1=<hex>")
    expected = _mac(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("the signature does not match the body and the secret")
    age = (time.time() if now is None else now) - timestamp
    if age > tolerance_s:
        raise SignatureError(f"the signature is {age:.0f} s old (more than {tolerance_s} s)")
    if age < -tolerance_s:
        raise SignatureError("the signature's timestamp is in the future")
    return timestamp
