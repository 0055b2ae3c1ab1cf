"""API keys: created once (the secret is shown to its owner then and never again), stored hashed.

A key reads ``sdk_<key_id>_<secret>``. The ``key_id`` finds the stored key with one index seek; the
secret is checked as HMAC-SHA256 under a per-key random salt, compared in constant time. The secret
is 256 random bits, so a fast hash is enough: there is no dictionary to guess from, unlike a
password, and a slow KDF would only add latency to every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any, LiteralString

from pydantic import BaseModel

from sidedeal.casework.audit import AUDIT_CALL, audit_params
from sidedeal.casework.common import Actor, Role, natives
from sidedeal.errors import NotFound
from sidedeal.graph.store import Store

PREFIX = "sdk"

CREATE_KEY: LiteralString = (
    """
CREATE (k:ApiKey {key_id: $key_id, hash: $hash, salt: $salt, role: $role, name: $name,
                  created_at: datetime(), revoked: false})
WITH k
"""
    + AUDIT_CALL
    + "RETURN k.key_id AS key_id, k.role AS role, k.name AS name, k.created_at AS created_at, "
    "k.revoked AS revoked"
)

FIND_KEY: LiteralString = """
MATCH (k:ApiKey {key_id: $key_id})
RETURN k.hash AS hash, k.salt AS salt, k.role AS role, k.name AS name, k.revoked AS revoked
"""

LIST_KEYS: LiteralString = """
MATCH (k:ApiKey)
RETURN k.key_id AS key_id, k.role AS role, k.name AS name, k.created_at AS created_at,
       k.revoked AS revoked, coalesce(k.requests, 0) AS requests, k.last_used_at AS last_used_at
ORDER BY k.created_at, k.key_id
"""

REVOKE_KEY: LiteralString = (
    """
MATCH (k:ApiKey {key_id: $key_id})
SET k.revoked = true, k.revoked_at = datetime()
WITH k
"""
    + AUDIT_CALL
    + "RETURN k.key_id AS key_id, k.role AS role, k.name AS name, k.created_at AS created_at, "
    "k.revoked AS revoked"
)


class ApiKeyPublic(BaseModel):
    key_id: str
    role: Role
    name: str
    created_at: datetime
    revoked: bool
    # Calls counted for service keys (machine clients are counted, not audited call by call).
    requests: int = 0
    last_used_at: datetime | None = None


class ApiKeyCreated(ApiKeyPublic):
    """The one response that carries the secret ``key``: keep it, it cannot be shown again."""

    key: str


class Principal(BaseModel):
    """A verified key: what the API knows about its caller."""

    key_id: str
    name: str
    role: Role


def _digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def create_key(store: Store, role: Role, name: str, actor: Actor) -> ApiKeyCreated:
    """Create a key with ``role``; the returned ``key`` is the only copy of the secret."""
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    params: dict[str, Any] = {
        "key_id": key_id,
        "hash": _digest(salt, secret),
        "salt": salt,
        "role": role,
        "name": name,
        "audit": audit_params(actor, "key.create", [key_id], {"role": role, "name": name}),
    }
    row = store.write(CREATE_KEY, params)[0]
    return ApiKeyCreated(**natives(row), key=f"{PREFIX}_{key_id}_{secret}")


def verify(store: Store, presented: str) -> Principal | None:
    """The key's principal, or ``None`` when the key is malformed, unknown, wrong or revoked."""
    prefix, _, rest = presented.strip().partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or not key_id or not secret or len(presented) > 200:
        return None
    # Autocommit: no driver retries, so with Neo4j down every request fails at once with 503
    # (a managed read would retry for about 30 s first). The key look-up runs first in every
    # authenticated request, so it is the one that should fail fast.
    rows = store.run_autocommit(FIND_KEY, {"key_id": key_id})
    if not rows or rows[0]["revoked"]:
        return None
    row = rows[0]
    if not hmac.compare_digest(_digest(row["salt"], secret), row["hash"]):
        return None
    return Principal(key_id=key_id, name=row["name"], role=row["role"])


class KeyCache:
    """Keys verified in the last ``ttl_s`` seconds, so a machine client calling many times a
    second costs one Neo4j look-up per key per interval instead of one per request.

    Entries are keyed by a digest of the presented key (no secret is kept). A key revoked
    through this process is forgotten at once (:meth:`forget`); one revoked elsewhere (another
    API worker, the CLI) stops working within ``ttl_s``. ``ttl_s = 0`` turns the cache off.
    """

    def __init__(self, ttl_s: float, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Principal]] = {}

    @staticmethod
    def _digest(presented: str) -> str:
        return hashlib.sha256(presented.encode()).hexdigest()

    def get(self, presented: str) -> Principal | None:
        if self.ttl_s <= 0:
            return None
        with self._lock:
            found = self._entries.get(self._digest(presented))
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, presented: str, principal: Principal) -> None:
        if self.ttl_s <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[self._digest(presented)] = (time.monotonic() + self.ttl_s, principal)

    def forget(self, key_id: str) -> None:
        with self._lock:
            stale = [d for d, (_, p) in self._entries.items() if p.key_id == key_id]
            for digest in stale:
                del self._entries[digest]


def list_keys(store: Store) -> list[ApiKeyPublic]:
    return [ApiKeyPublic(**natives(row)) for row in store.read(LIST_KEYS)]


def revoke(store: Store, key_id: str, actor: Actor) -> ApiKeyPublic:
    """Revoke a key at once; it stays listed (revoked) so the audit trail can still name it."""
    rows = store.write(
        REVOKE_KEY, {"key_id": key_id, "audit": audit_params(actor, "key.revoke", [key_id])}
    )
    if not rows:
        raise NotFound(f"no API key {key_id!r}; list them with GET /keys")
    return ApiKeyPublic(**natives(rows[0]))


def ensure_key_file(store: Store, path: Path, role: Role, name: str, actor: Actor) -> bool:
    """Make ``path`` hold a working key of ``role``: keep the one there if it still verifies (the
    graph may have been reset since), else create one and write it (mode 0600). Returns whether
    a key was created. Lets ``run.sh`` and the explorer share a key across restarts."""
    if path.exists():
        principal = verify(store, path.read_text().strip())
        if principal is not None and principal.role == role:
            return False
    created = create_key(store, role, name, actor)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(created.key + "\n")
    return True
