"""``sidedeal flags export``: the flags as JSONL, highest score first (the contract of DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, LiteralString, TextIO

from sidedeal.graph.store import Store

PAGE = 5000

FLAGS_PAGE: LiteralString = """
MATCH (f:Flag)
WHERE ($status IS NULL OR f.status = $status) AND f.score >= $min_score
RETURN f.flag_id AS flag_id, f.kind AS kind, f.score AS score, f.status AS status,
       coalesce(f.buyer_ids, []) AS buyer_ids, coalesce(f.seller_ids, []) AS seller_ids,
       coalesce(f.reasons, []) AS reasons, f.run_id AS run_id
ORDER BY f.score DESC, f.flag_id ASC
SKIP $skip LIMIT $limit
"""


def iter_flags(
    store: Store, *, status: str | None = None, min_score: float = 0.0
) -> Iterator[dict[str, Any]]:
    skip = 0
    while True:
        rows = store.read(
            FLAGS_PAGE, {"status": status, "min_score": min_score, "skip": skip, "limit": PAGE}
        )
        yield from rows
        if len(rows) < PAGE:
            return
        skip += PAGE


def export_flags(
    store: Store, out: TextIO, *, status: str | None = None, min_score: float = 0.0
) -> int:
    count = 0
    for row in iter_flags(store, status=status, min_score=min_score):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
