"""Helpers shared by tests: write small contract directories, load them (and analyse them) into
the test graph, and read a graph's fingerprint."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sidedeal.analysis.config import load_weights
from sidedeal.analysis.run import analyze
from sidedeal.graph import schema
from sidedeal.graph.store import Store
from sidedeal.ingest.loaders import default_scanner
from sidedeal.ingest.pipeline import IngestSummary, ingest

Rows = Sequence[Mapping[str, Any]]


def write_contract(directory: Path, files: Mapping[str, Rows], fmt: str = "csv") -> Path:
    """Write ``{"sellers": [rows], ...}`` as contract files in ``fmt`` (csv, jsonl or parquet)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        columns: list[str] = []
        for row in rows:
            columns += [key for key in row if key not in columns]
        path = directory / f"{name}.{fmt}"
        if fmt == "csv":
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                writer.writerows(rows)
        elif fmt == "jsonl":
            with path.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            table = pa.Table.from_pylist(
                [
                    {c: (None if row.get(c) is None else str(row[c])) for c in columns}
                    for row in rows
                ]
            )
            pq.write_table(table, path)
    return directory


def load_market(
    store: Store,
    files: Mapping[str, Rows],
    folder: Path,
    *,
    analyse: bool = False,
    reset: bool = True,
    batch_size: int = 100,
) -> IngestSummary:
    """Write ``files`` as a contract directory under ``folder``, ingest it with the scanner into
    the test graph (emptied first unless ``reset=False``), expecting no reject, and run the
    analysis once when ``analyse``: what most graph tests start from."""
    if reset:
        schema.reset(store)
    summary = ingest(
        store,
        write_contract(folder / "in", files),
        batch_size=batch_size,
        rejects_dir=folder / "rejects",
        scanner=default_scanner([]),
    )
    assert summary.rejected == 0, summary.rejects_path
    if analyse:
        assert analyze(store, load_weights(), trigger="test").status == "completed"
    return summary


def fingerprint(store: Store) -> dict[str, Any]:
    """What a user would compare between two graphs: counts by label and type, and pair figures."""
    labels = store.read(
        "MATCH (n) WHERE NOT n:IngestRun AND NOT n:Migration "
        "UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label"
    )
    rels = store.read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type")
    pairs = store.read(
        "MATCH (b:Buyer)-[d:DEALT_WITH]->(s:Seller) "
        "RETURN b.buyer_id AS buyer, s.seller_id AS seller, d.conversations AS conversations, "
        "d.messages AS messages, d.orders AS orders, d.findings AS findings, "
        "toString(d.first_at) AS first_at, toString(d.last_at) AS last_at ORDER BY buyer, seller"
    )
    identifiers = store.read(
        "MATCH (i:Identifier) RETURN i.key AS key, i.valid AS valid, "
        "COUNT { (i)<-[:HAS_IDENTIFIER]-() } AS holders, COUNT { (i)<-[:MENTIONS]-() } AS mentions "
        "ORDER BY key"
    )
    return {
        "labels": {r["label"]: r["n"] for r in labels},
        "rels": {r["type"]: r["n"] for r in rels},
        "pairs": pairs,
        "identifiers": identifiers,
    }
