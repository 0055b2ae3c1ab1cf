"""Weights versions: the analysis weights as immutable, numbered versions in the graph.

A ``WeightsVersion`` holds the TOML text (``content``), the digest of the weights it parses to
(the ``weights_sha1`` every ``Run`` records, so a run names its version), who proposed it, when,
and whether it is the active one. Exactly one version is active; it drives ``analyze``, the
worker and the re-score of streamed events. A version is never edited: a change is a new version
(``propose``), and proposing weights that parse to a stored version's (comments aside) returns
that version. Activation moves the ``active`` mark, with who, when and a note, in one audited
statement that also serialises with other proposals and activations (through the
``Counter {name: 'weights_versions'}`` node both lock).

The seed: when the graph holds no active version, the repository's ``analysis/weights.toml`` (or
the file ``SIDEDEAL_WEIGHTS_FILE`` names) becomes version ``v1`` and is activated, by
``seed``. An emptied graph (``db reset``) seeds again on first use.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, LiteralString

from pydantic import BaseModel

from sidedeal.analysis.backtest import BacktestReport, backtest
from sidedeal.analysis.config import DEFAULT_FILE, Weights, parse_weights
from sidedeal.analysis.record import weights_digest
from sidedeal.casework.audit import audit_params
from sidedeal.casework.common import Actor, natives
from sidedeal.errors import BadInput, Conflict, NotFound
from sidedeal.graph.store import Store

VERSION_FIELDS: LiteralString = """
v {.version, .number, .digest, .author, .note, .active, .activated_by, .activation_note,
   created_at: toString(v.created_at), activated_at: toString(v.activated_at),
   runs: COUNT { (r:Run {weights_version: v.version}) }}
"""

# The counter's node is written first: its lock serialises proposals and activations.
PROPOSE: LiteralString = (
    """
MERGE (c:Counter {name: 'weights_versions'})
ON CREATE SET c.n = 0
SET c.touched_at = datetime()
WITH c
OPTIONAL MATCH (same:WeightsVersion {digest: $digest})
WITH c, same IS NULL AS created
SET c.n = c.n + CASE WHEN created THEN 1 ELSE 0 END
WITH c, created
MERGE (v:WeightsVersion {digest: $digest})
ON CREATE SET v.version = 'v' + toString(c.n), v.number = c.n, v.content = $content,
              v.author = $author, v.note = $note, v.created_at = datetime(), v.active = false
WITH v, created
CALL (v, created) {
  WITH v, created WHERE created AND $audit IS NOT NULL
  CREATE (ae:AuditEvent) SET ae = $audit, ae.at = datetime(), ae.objects = [v.version]
}
RETURN created, """
    + VERSION_FIELDS
    + " AS version"
)

ACTIVATE: LiteralString = (
    """
MERGE (c:Counter {name: 'weights_versions'})
ON CREATE SET c.n = 0
SET c.touched_at = datetime()
WITH c
MATCH (v:WeightsVersion {version: $version})
OPTIONAL MATCH (o:WeightsVersion {active: true}) WHERE o <> v
SET o.active = false, o.deactivated_at = datetime()
WITH v, collect(o.version) AS previous
SET v.active = true, v.activated_at = datetime(), v.activated_by = $actor,
    v.activation_note = $note
WITH v, previous
CALL (v, previous) {
  CREATE (ae:AuditEvent) SET ae = $audit, ae.at = datetime(), ae.objects = [v.version] + previous
}
RETURN previous, """
    + VERSION_FIELDS
    + " AS version"
)

# The seed's activation: only when no version is active (two processes seeding at once agree).
ACTIVATE_SEED: LiteralString = """
MERGE (c:Counter {name: 'weights_versions'})
ON CREATE SET c.n = 0
SET c.touched_at = datetime()
WITH c
MATCH (v:WeightsVersion {digest: $digest})
WHERE NOT EXISTS { MATCH (a:WeightsVersion {active: true}) }
SET v.active = true, v.activated_at = datetime(), v.activated_by = 'seed',
    v.activation_note = 'the seed version'
"""

ACTIVE: LiteralString = (
    "MATCH (v:WeightsVersion {active: true}) WITH v ORDER BY v.activated_at DESC LIMIT 1 "
    "RETURN v.content AS content, " + VERSION_FIELDS + " AS version"
)

ONE: LiteralString = (
    "MATCH (v:WeightsVersion {version: $version}) RETURN v.content AS content, "
    + VERSION_FIELDS
    + " AS version"
)

ALL: LiteralString = (
    "MATCH (v:WeightsVersion) WITH v ORDER BY v.number DESC RETURN "
    + VERSION_FIELDS
    + " AS version"
)


class WeightsVersionPublic(BaseModel):
    """One stored version (``content``: its TOML text, only when one version is asked for)."""

    version: str
    number: int
    digest: str
    author: str
    note: str | None = None
    active: bool
    created_at: datetime
    activated_at: datetime | None = None
    activated_by: str | None = None
    activation_note: str | None = None
    runs: int = 0
    content: str | None = None


class ProposeResult(BaseModel):
    created: bool
    version: WeightsVersionPublic


class ActivateResult(BaseModel):
    previous: list[str]
    version: WeightsVersionPublic


def _version(raw: dict[str, Any], content: str | None = None) -> WeightsVersionPublic:
    item = natives(raw)
    return WeightsVersionPublic(**item, content=content)


def seed_text(path: Path | None = None) -> tuple[str, str]:
    """(TOML text, where it came from) of the seed version."""
    source = path or DEFAULT_FILE
    try:
        return source.read_text(encoding="utf-8"), str(source)
    except OSError as error:
        raise BadInput(f"analysis weights {source}: {error}") from error


def _parse(content: str, source: str) -> Weights:
    try:
        return parse_weights(content, source)
    except ValueError as error:
        raise BadInput(str(error)) from error


def propose(
    store: Store, content: str, author: str, note: str | None, actor: Actor | None
) -> ProposeResult:
    """Store ``content`` (TOML weights, checked first: BadInput names the bad key) as a new
    version, inactive; the existing version when its weights parse to the same digest."""
    weights = _parse(content, "proposed")
    rows = store.write(
        PROPOSE,
        {
            "digest": weights_digest(weights),
            "content": content,
            "author": author,
            "note": note,
            "audit": audit_params(actor, "weights.propose", [], {"author": author, "note": note})
            if actor
            else None,
        },
    )
    return ProposeResult(created=rows[0]["created"], version=_version(rows[0]["version"]))


def activate(store: Store, version: str, note: str, actor: Actor) -> ActivateResult:
    """Make ``version`` the active weights (audited, with ``note``); the next analysis run uses
    them (and is full: the weights changed). Conflict when it is already active."""
    current = get(store, version)
    if current.active:
        raise Conflict(f"weights {version} are already active")
    rows = store.write(
        ACTIVATE,
        {
            "version": version,
            "note": note,
            "actor": actor.key_id,
            "audit": audit_params(actor, "weights.activate", [version], {"note": note}),
        },
    )
    return ActivateResult(previous=list(rows[0]["previous"]), version=_version(rows[0]["version"]))


def get(store: Store, version: str) -> WeightsVersionPublic:
    rows = store.read(ONE, {"version": version})
    if not rows:
        raise NotFound(f"no weights version {version!r}; list them with `sidedeal weights list`")
    return _version(rows[0]["version"], rows[0]["content"])


def list_versions(store: Store) -> list[WeightsVersionPublic]:
    """Every version, newest first (without their content)."""
    return [_version(row["version"]) for row in store.read(ALL)]


def active(store: Store, seed: Path | None = None) -> tuple[WeightsVersionPublic, Weights]:
    """The active version and its weights; seeds it from ``seed`` (the shipped weights.toml by
    default) when the graph has none (see the module docstring)."""
    rows = store.read(ACTIVE)
    if not rows:
        content, source = seed_text(seed)
        weights = _parse(content, source)
        propose(store, content, "seed", f"seeded from {Path(source).name}", None)
        store.write(ACTIVATE_SEED, {"digest": weights_digest(weights)})
        rows = store.read(ACTIVE)
    row = rows[0]
    version = _version(row["version"], row["content"])
    return version, _parse(row["content"], f"weights version {version.version}")


def active_weights(store: Store, seed: Path | None = None) -> Weights:
    """The weights the analysis runs with now."""
    return active(store, seed)[1]


def version_weights(store: Store, version: str) -> Weights:
    """The weights of a stored version (NotFound when there is none)."""
    rows = store.read(ONE, {"version": version})
    if not rows:
        raise NotFound(f"no weights version {version!r}; list them with `sidedeal weights list`")
    return _parse(rows[0]["content"], f"weights version {version}")


def candidate(store: Store, ref: str) -> tuple[str, Weights]:
    """The command line's candidate: a stored version (``v3``) or, failing that, a TOML file.
    (The API takes versions only: a path would let a caller read the server's files.)"""
    if store.read(ONE, {"version": ref}):
        return ref, version_weights(store, ref)
    path = Path(ref)
    if not path.is_file():
        raise NotFound(f"{ref!r} is neither a weights version (v1, v2...) nor a file")
    content, source = seed_text(path)
    return source, _parse(content, source)


class BacktestPublic(BaseModel):
    """A backtest's report: the candidate beside the active version (see analysis/backtest.py)."""

    candidate: str
    active: str
    raised: dict[str, int]
    cleared: dict[str, int]
    unchanged: dict[str, int]
    top_overlap: int
    top_size: int
    decided: dict[str, Any]
    examples: dict[str, list[str]]
    seconds: float
    stage_seconds: dict[str, float]


def run_backtest(
    store: Store, name: str, weights: Weights, seed: Path | None = None
) -> BacktestPublic:
    """Backtest ``weights`` (called ``name`` in the report) against the active version."""
    current, active_w = active(store, seed)
    report: BacktestReport = backtest(store, active_w, weights)
    return BacktestPublic(candidate=name, active=current.version, **report.as_dict())
