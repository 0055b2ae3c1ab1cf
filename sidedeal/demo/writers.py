"""Streaming writers for the contract files: CSV, JSONL or Parquet, one row at a time.

Rows arrive as tuples in the contract's column order and go straight to disk (Parquet in row
groups of ``PARQUET_ROWS``), so memory does not grow with the number of rows. Missing optional
values are ``None``: an empty CSV field, a JSON ``null``, a Parquet null.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

Format = Literal["mixed", "csv", "jsonl", "parquet"]
# The formats by name, for callers holding a user's text (the CLI's --format).
FORMATS: dict[str, Format] = {
    "mixed": "mixed",
    "csv": "csv",
    "jsonl": "jsonl",
    "parquet": "parquet",
}
Row = tuple[Any, ...]

# The data contract of DESIGN.md, column names and order exactly.
CONTRACT: dict[str, tuple[str, ...]] = {
    "sellers": ("seller_id", "name", "country", "email", "phone", "website", "created_at"),
    "buyers": ("buyer_id", "name", "country", "email", "phone", "created_at"),
    "listings": ("listing_id", "seller_id", "title", "category", "price", "currency", "created_at"),
    "conversations": ("conversation_id", "buyer_id", "seller_id", "listing_id", "started_at"),
    "messages": ("message_id", "conversation_id", "sender", "sent_at", "body"),
    "orders": (
        "order_id",
        "buyer_id",
        "seller_id",
        "listing_id",
        "conversation_id",
        "amount",
        "currency",
        "placed_at",
        "status",
    ),
    "contacts": ("account_type", "account_id", "kind", "value", "observed_at"),
}
NUMERIC = frozenset({"price", "amount"})
PARQUET_ROWS = 50_000
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}


def file_format(entity: str, fmt: Format) -> str:
    """The format one entity is written in: "mixed" puts free text (messages) in JSONL."""
    if fmt == "mixed":
        return "jsonl" if entity == "messages" else "csv"
    return fmt


class Table:
    """One contract file being written."""

    def __init__(self, outdir: Path, entity: str, fmt: str) -> None:
        self.entity, self.fmt = entity, fmt
        self.columns = CONTRACT[entity]
        self.path = outdir / f"{entity}.{EXTENSIONS[fmt]}"
        self.rows = 0
        self._fh: IO[str] | None = None
        self._csv: Any = None
        self._pq: pq.ParquetWriter | None = None
        self._buffer: list[Row] = []
        if fmt == "parquet":
            fields = [
                pa.field(c, pa.float64() if c in NUMERIC else pa.string()) for c in self.columns
            ]
            self._schema = pa.schema(fields)
        else:
            self._fh = self.path.open("w", encoding="utf-8", newline="")
            if fmt == "csv":
                self._csv = csv.writer(self._fh, lineterminator="\n")
                self._csv.writerow(self.columns)

    def write(self, row: Row) -> None:
        """Append one row (a tuple in contract column order)."""
        self.rows += 1
        if self.fmt == "csv":
            self._csv.writerow(
                ["" if v is None else f"{v:.2f}" if isinstance(v, float) else v for v in row]
            )
        elif self.fmt == "jsonl":
            assert self._fh is not None
            record = dict(zip(self.columns, row, strict=True))
            self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            self._buffer.append(row)
            if len(self._buffer) >= PARQUET_ROWS:
                self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        columns = list(zip(*self._buffer, strict=True))
        table = pa.Table.from_arrays(
            [pa.array(col, type=f.type) for col, f in zip(columns, self._schema, strict=True)],
            schema=self._schema,
        )
        if self._pq is None:
            self._pq = pq.ParquetWriter(self.path, self._schema)
        self._pq.write_table(table)
        self._buffer.clear()

    def close(self) -> None:
        """Flush and close; an empty Parquet table still gets a file with its schema."""
        if self.fmt == "parquet":
            self._flush()
            if self._pq is None:
                pq.write_table(self._schema.empty_table(), self.path)
            else:
                self._pq.close()
        elif self._fh is not None:
            self._fh.close()


def open_tables(outdir: Path, fmt: Format) -> dict[str, Table]:
    """Open every contract file for writing, removing stale copies in other formats.

    A directory holding both ``messages.csv`` and ``messages.jsonl`` would be ambiguous to
    ingest, so earlier output of this generator under the contract's names is deleted first.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    for entity in CONTRACT:
        for ext in EXTENSIONS.values():
            (outdir / f"{entity}.{ext}").unlink(missing_ok=True)
    return {entity: Table(outdir, entity, file_format(entity, fmt)) for entity in CONTRACT}
