"""Small pieces every casework module shares: who is acting, the clock, driver value conversion.

``Actor`` travels from the API's authentication into every write so that each write can name who
made it in its audit event, without the graph layer knowing about HTTP.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

# ``service``: the marketplace's own systems (its messaging service, its order pipeline). They may
# call the pre-send check and send events, and read nothing else.
Role = Literal["admin", "investigator", "viewer", "service"]
ROLES: tuple[Role, ...] = ("admin", "investigator", "viewer", "service")


@dataclass(frozen=True)
class Actor:
    """The caller of a write or of an unmasked read: an API key (or the CLI) and the request."""

    key_id: str
    name: str
    role: Role
    request_id: str

    @property
    def unmasked(self) -> bool:
        """Viewers only ever see contact values masked."""
        return self.role != "viewer"


def now() -> datetime:
    return datetime.now(UTC)


def utc_iso(moment: datetime | None) -> str | None:
    """A time as Neo4j reads it: ISO in UTC (a naive time is taken as UTC). Python accepts UTC
    offsets Neo4j refuses (-19:37: Neo4j allows +-18:00), so a caller's offset never reaches it."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def new_id(prefix: str) -> str:
    """A short random id with a readable prefix (``case-1f3a9c0d2b``)."""
    return f"{prefix}-{secrets.token_hex(5)}"


def native(value: Any) -> Any:
    """Driver temporal values to Python's (``neo4j.time.DateTime`` -> ``datetime``); others as is."""
    if hasattr(value, "to_native"):
        result = value.to_native()
        if isinstance(result, datetime) and result.tzinfo is None:
            return result.replace(tzinfo=UTC)
        return result
    return value


def natives(row: dict[str, Any]) -> dict[str, Any]:
    return {key: native(value) for key, value in row.items()}


def loads(text: str | None, default: Any) -> Any:
    """A JSON property written by ingest or analysis, or ``default`` when it is absent or broken."""
    if not text:
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return default
