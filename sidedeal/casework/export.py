"""Exports: flags and networks as JSON or CSV, for spreadsheets and other tools.

CSV cells holding lists are joined with `` | ``; nested values (a network node's properties) are
JSON in one cell. Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-`` or ``@``) are prefixed with a quote: exports carry text written by marketplace users.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from sidedeal.casework.flags import FlagSummary, queue
from sidedeal.casework.network import Network
from sidedeal.graph.store import Store

PAGE = 1000
FLAG_COLUMNS = (
    "flag_id",
    "kind",
    "status",
    "score",
    "buyer_ids",
    "seller_ids",
    "cluster_id",
    "assignee",
    "created_at",
    "updated_at",
    "run_id",
    "top_reason",
    "reasons",
    "value_at_risk",
    "currency",
    "last_evidence_at",
)


def all_flags(store: Store, **filters: Any) -> Iterator[FlagSummary]:
    """Every flag matching the queue's filters, page by page."""
    offset = 0
    while True:
        page, count = queue(store, limit=PAGE, offset=offset, **filters)
        yield from page
        offset += PAGE
        if offset >= count or not page:
            return


# The JSONL contract of ``sidedeal flags export`` (DESIGN.md), one flag a line.
JSONL_FIELDS = (
    "flag_id",
    "kind",
    "score",
    "status",
    "buyer_ids",
    "seller_ids",
    "reasons",
    "run_id",
    "value_at_risk",
    "currency",
    "last_evidence_at",
)


def write_jsonl(store: Store, out: TextIO, **filters: Any) -> int:
    """Every flag matching the queue's ``filters`` as JSONL, highest score first; the count.

    The same read as ``GET /export/flags`` (the queue's, unpaged), in the CLI's contract.
    """
    count = 0
    for flag in all_flags(store, **filters):
        row = flag.model_dump(mode="json", include=set(JSONL_FIELDS))
        out.write(json.dumps({k: row[k] for k in JSONL_FIELDS}, ensure_ascii=False) + "\n")
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        text = " | ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, default=str, ensure_ascii=False)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    names = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return out.getvalue()


def flags_csv(flags: Iterable[FlagSummary]) -> str:
    return to_csv(FLAG_COLUMNS, (f.model_dump() for f in flags))


def network_csv(network: Network, part: str) -> str:
    """``part`` is ``nodes`` or ``edges``: a graph is two tables."""
    if part == "nodes":
        return to_csv(
            ("id", "type", "label", "depth", "properties"),
            (n.model_dump() for n in network.nodes),
        )
    return to_csv(
        ("source", "target", "type", "properties"), (e.model_dump() for e in network.edges)
    )
