"""``sidedeal ingest DIR``: read the contract files, validate, scan messages, write the graph.

The order of work, and why:
1. Discover the files and check every file's columns *before writing anything*: a missing required
   column stops the run with the file and column named.
2. Apply pending schema migrations, so every MERGE below uses a unique index.
3. Load files in dependency order, in batches. A bad row never stops the run: it goes to the rejects
   file (file, line, reason, the row) and is counted, so ``read = loaded + rejected`` per file. A
   key seen earlier in the same file with other values is such a row (a duplicate, naming the
   line it repeats): the first row stands, never a silent last-wins; an exact repeat (a re-sent
   page) changes nothing and is counted as ``repeated``. A message body longer than
   ``max_body_chars`` is stored (and scanned) shortened with a marker, and kept whole in the
   run's bodies file (see :mod:`.sidecars`).
4. Recompute the derived ``DEALT_WITH`` edge of every buyer-seller pair the run touched.

Every write is an idempotent MERGE and the derived edges are recomputed rather than incremented, so
loading a directory twice, or again after an interrupted run, ends in the same graph.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sidedeal.errors import Conflict
from sidedeal.graph import schema
from sidedeal.graph.store import Store
from sidedeal.ingest import queries as q
from sidedeal.ingest import validate as v
from sidedeal.ingest.loaders import (
    AccountLoader,
    BatchResult,
    ContactLoader,
    ListingLoader,
    MessageLoader,
    PartyLoader,
    Scanner,
    Write,
)
from sidedeal.ingest.readers import (
    ContractFile,
    RawRow,
    check_columns,
    count_rows,
    discover,
    iter_rows,
)
from sidedeal.ingest.runs import Heartbeat, mark_abandoned, this_process
from sidedeal.ingest.sidecars import BodiesFile, RejectsFile
from sidedeal.scanner import DEFAULT_MAX_FINDINGS

# Message bodies longer than this are stored and scanned shortened (Settings.max_body_chars).
DEFAULT_MAX_BODY_CHARS = 100_000

Progress = Callable[[str, int, int | None], None]
DERIVE_BATCH = 2000
WRITERS = 2


class Loader(Protocol):
    def load(self, store: Store, rows: list[dict[str, Any]]) -> BatchResult: ...


@dataclass
class FileSummary:
    file: str
    entity: str
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    # Rows repeating an earlier row of the file exactly (loaded, changing nothing).
    repeated: int = 0
    seconds: float = 0.0
    scan_seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


@dataclass
class IngestSummary:
    ingest_id: str
    directory: str
    files: list[FileSummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejects_path: str | None = None
    # Message bodies stored shortened, kept whole here (None: none was over the cap).
    bodies_path: str | None = None
    bodies_truncated: int = 0
    identifier_links: int = 0
    findings: int = 0
    pairs_updated: int = 0
    migrations_applied: list[str] = field(default_factory=list)
    # Earlier runs found stopped without finishing and marked abandoned (see runs.py), with the
    # line that tells the operator how to resume each.
    abandoned: list[str] = field(default_factory=list)
    # Write batches Neo4j made us retry (deadlocks between the writers, a restart): all loaded.
    retried_batches: int = 0
    seconds: float = 0.0

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for entry, summary in zip(data["files"], self.files, strict=True):
            entry["rows_per_second"] = round(summary.rows_per_second, 1)
        data.update(read=self.read, loaded=self.loaded, rejected=self.rejected)
        return data


VALIDATORS: dict[str, Callable[[v.Values], dict[str, Any]]] = {
    "sellers": lambda values: v.account(values, "seller_id"),
    "buyers": lambda values: v.account(values, "buyer_id"),
    "listings": v.listing,
    "conversations": v.conversation,
    "messages": v.message,
    "orders": v.order,
    "contacts": v.contact,
}


def entity_loaders(
    scanner: Scanner | None, max_findings: int = DEFAULT_MAX_FINDINGS
) -> dict[str, Loader]:
    """One loader per contract entity (batch ingest and streamed events share them)."""
    return {
        "sellers": AccountLoader("seller_id", q.MERGE_SELLERS, q.LINK_SELLER_IDENTIFIERS),
        "buyers": AccountLoader("buyer_id", q.MERGE_BUYERS, q.LINK_BUYER_IDENTIFIERS),
        "listings": ListingLoader(),
        "conversations": PartyLoader(q.MERGE_CONVERSATIONS, "started_at"),
        "messages": MessageLoader(scanner, max_findings),
        "orders": PartyLoader(q.MERGE_ORDERS, "placed_at"),
        "contacts": ContactLoader(),
    }


def preflight(directory: Path, encoding: str = "utf-8") -> tuple[list[ContractFile], list[str]]:
    """Find the contract files and check their columns; raises BadInput before any write (also
    for a file that cannot be read, or whose header is not text in ``encoding``)."""
    files, warnings = discover(directory, encoding)
    for file in files:
        warnings += check_columns(file)
    return files, warnings


def ingest(
    store: Store,
    directory: Path,
    *,
    batch_size: int,
    rejects_dir: Path,
    scanner: Scanner | None,
    progress: Progress | None = None,
    encoding: str = "utf-8",
    max_findings: int = DEFAULT_MAX_FINDINGS,
    max_body_chars: int = DEFAULT_MAX_BODY_CHARS,
    heartbeat_s: float = 15.0,
    stale_after_s: float = 120.0,
) -> IngestSummary:
    """Load ``directory`` into the graph; see the module docstring for the guarantees.

    Earlier runs that stopped without finishing are marked ``abandoned`` first (see
    :mod:`.runs`); this run keeps a heartbeat on its own ``IngestRun`` while it works."""
    started = time.perf_counter()
    files, warnings = preflight(directory, encoding)
    ingest_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    rejects = RejectsFile(rejects_dir / f"{ingest_id}.jsonl")
    bodies = BodiesFile(rejects_dir / f"{ingest_id}.bodies.jsonl", max_body_chars)
    summary = IngestSummary(ingest_id, str(directory), warnings=warnings)
    summary.migrations_applied = schema.migrate(store)
    summary.abandoned = [run.advice for run in mark_abandoned(store, stale_after_s)]
    host, pid = this_process()
    store.write_idempotent(
        q.START_INGEST,
        {
            "ingest_id": ingest_id,
            "directory": str(directory),
            "rejects_path": str(rejects.path),
            "host": host,
            "pid": pid,
        },
    )
    retried_before = store.retried
    loaders = entity_loaders(scanner, max_findings)
    sinks = _Sinks(rejects, bodies)
    pairs: set[tuple[str, str]] = set()
    status = "failed"
    heartbeat = Heartbeat(store, ingest_id, heartbeat_s).start()
    try:
        for file in files:
            loader = loaders[file.spec.name]
            file_summary, effects = _load_file(store, file, loader, batch_size, sinks, progress)
            summary.files.append(file_summary)
            pairs |= effects.pairs
            summary.identifier_links += effects.identifiers
            summary.findings += effects.findings
        summary.pairs_updated = derive_pairs(store, pairs)
        status = "completed"
    finally:
        heartbeat.stop()
        summary.retried_batches = store.retried - retried_before
        rejects.close()
        bodies.close()
        summary.rejects_path = rejects.written
        summary.bodies_path = bodies.written
        summary.bodies_truncated = bodies.count
        summary.seconds = time.perf_counter() - started
        store.write_idempotent(
            q.FINISH_INGEST,
            {"ingest_id": ingest_id, "status": status, "summary": json.dumps(summary.as_dict())},
        )
    return summary


def _batches(file: ContractFile, size: int) -> Iterator[list[RawRow]]:
    batch: list[RawRow] = []
    for row in iter_rows(file):
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Sinks:
    """Where a run puts what it does not load as given; ``seen`` holds the current file's keys
    (key -> the line that brought it and a digest of its values), to refuse a repeat with other
    values within the file."""

    rejects: RejectsFile
    bodies: BodiesFile
    seen: dict[str, tuple[int, int]] = field(default_factory=dict)


def _load_file(
    store: Store,
    file: ContractFile,
    loader: Loader,
    batch_size: int,
    sinks: _Sinks,
    progress: Progress | None,
) -> tuple[FileSummary, BatchResult]:
    """Load one file; return its counts and the side effects (pairs touched, identifiers)."""
    started = time.perf_counter()
    summary = FileSummary(file.path.name, file.spec.name)
    sinks.seen = {}
    effects = BatchResult()
    validator = VALIDATORS[file.spec.name]
    total = count_rows(file) if progress else None
    # Writer threads: Neo4j writes batches N-1 and N while this thread reads, validates and scans
    # batch N+1 (Neo4j commits two transactions at once on two cores; see bench/RESULTS.md). At
    # most WRITERS batches are in flight, so memory stays bounded; a file is fully written before
    # the next file starts, so every reference the next file checks is already in the graph.
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="ingest-writer") as writer:
        in_flight: deque[Future[None]] = deque()
        for raw_batch in _batches(file, batch_size):
            result = _prepare(store, file, raw_batch, validator, loader, sinks, summary)
            if len(in_flight) >= WRITERS:
                in_flight.popleft().result()  # re-raises a failed write here, stopping the run
            in_flight.append(writer.submit(_run_writes, store, result.writes))
            effects.pairs |= result.pairs
            effects.identifiers += result.identifiers
            effects.findings += result.findings
            if progress:
                progress(file.path.name, summary.read, total)
        while in_flight:
            in_flight.popleft().result()
    summary.loaded = summary.read - summary.rejected
    summary.seconds = time.perf_counter() - started
    return summary, effects


def _run_writes(store: Store, writes: list[Write]) -> None:
    # Every batch gives the same graph run twice (MERGE, or CREATE whose duplicate falls back to
    # MERGE), so a commit lost to a Neo4j crash is run again (see Store.write_idempotent).
    for query, params, fallback in writes:
        try:
            store.write_idempotent(query, params)
        except Conflict:
            if fallback is None:
                raise
            store.write_idempotent(fallback, params)


def _prepare(
    store: Store,
    file: ContractFile,
    raw_batch: list[RawRow],
    validator: Callable[[v.Values], dict[str, Any]],
    loader: Loader,
    sinks: _Sinks,
    summary: FileSummary,
) -> BatchResult:
    """Validate a batch, let the loader check references and plan writes; record rejects."""
    summary.read += len(raw_batch)
    prepared: list[dict[str, Any]] = []
    sources: list[RawRow] = []
    rejects, name, key = sinks.rejects, file.path.name, file.spec.key
    for raw in raw_batch:
        if raw.error is not None:
            rejects.add(name, raw.line, raw.error, raw.raw)
            continue
        try:
            row = validator(raw.values)
        except v.RowError as error:
            rejects.add(name, raw.line, str(error), raw.raw)
            continue
        if key is not None:
            digest = hash(tuple(sorted(raw.values.items())))
            first, first_digest = sinks.seen.setdefault(row[key], (raw.line, digest))
            if first != raw.line:
                if first_digest != digest:
                    reason = (
                        f"duplicate {key} {row[key]!r} with other values: repeats line {first} "
                        "of this file (the first row is kept)"
                    )
                    rejects.add(name, raw.line, reason, raw.raw)
                    continue
                summary.repeated += 1  # the same row again (a re-sent page): a no-op write
        if file.spec.name == "messages":
            row = sinks.bodies.cap(name, raw.line, row)
        prepared.append(row)
        sources.append(raw)
    result = loader.load(store, prepared) if prepared else BatchResult()
    for index, reason in result.rejected:
        rejects.add(file.path.name, sources[index].line, reason, sources[index].raw)
    summary.rejected += len(raw_batch) - len(prepared) + len(result.rejected)
    summary.scan_seconds += result.scan_seconds
    return result


def derive_pairs(store: Store, pairs: set[tuple[str, str]]) -> int:
    """Recompute ``DEALT_WITH`` for the given (buyer_id, seller_id) pairs; return how many exist."""
    ordered = sorted(pairs)
    updated = 0
    for start in range(0, len(ordered), DERIVE_BATCH):
        chunk = [{"buyer_id": b, "seller_id": s} for b, s in ordered[start : start + DERIVE_BATCH]]
        rows = store.write_idempotent(q.DERIVE_DEALT_WITH, {"pairs": chunk})
        updated += int(rows[0]["n"]) if rows else 0
    return updated
