"""Read contract files (CSV, JSONL, Parquet) as rows of strings, with their line numbers.

Readers never raise on a bad row: a line that cannot be parsed comes back as a :class:`RawRow` with
``error`` set, so the pipeline can reject it with its line number and keep going. Problems with a
whole file (missing required columns, two files for one entity) are found by :func:`discover` and
:func:`check_columns` before anything is written.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from sidedeal.errors import BadInput
from sidedeal.ingest.contract import BY_NAME, FORMATS, EntitySpec

# Message bodies can be long; the csv module's default field limit (128 KiB) would reject them.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
# How many JSONL records to look at when deciding whether a column exists in the file at all.
JSONL_SNIFF_RECORDS = 1000


@dataclass
class RawRow:
    line: int
    values: dict[str, str | None] = field(default_factory=dict)
    error: str | None = None
    raw: Any = None


@dataclass(frozen=True)
class ContractFile:
    spec: EntitySpec
    path: Path

    @property
    def format(self) -> str:
        return self.path.suffix.lower()


def discover(directory: Path) -> tuple[list[ContractFile], list[str]]:
    """The contract files in ``directory`` in load order, and warnings about other files.

    Raises BadInput when the directory holds no contract file, or two files for one entity.
    """
    if not directory.is_dir():
        raise BadInput(f"{directory} is not a directory")
    found: dict[str, ContractFile] = {}
    warnings: list[str] = []
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        spec = BY_NAME.get(path.stem.lower())
        if spec is None or path.suffix.lower() not in FORMATS:
            if path.suffix.lower() in FORMATS:
                warnings.append(f"{path.name}: not a contract file name, ignored")
            continue
        if spec.name in found:
            raise BadInput(
                f"{directory}: two files for {spec.name!r} ({found[spec.name].path.name} and "
                f"{path.name}); keep one"
            )
        found[spec.name] = ContractFile(spec, path)
    if not found:
        names = ", ".join(f"{name}.csv|.jsonl|.parquet" for name in BY_NAME)
        raise BadInput(f"{directory} holds no contract file (expected any of: {names})")
    order = list(BY_NAME)
    return sorted(found.values(), key=lambda f: order.index(f.spec.name)), warnings


def columns_of(file: ContractFile) -> list[str]:
    """The column names the file declares (CSV header, Parquet schema, keys seen in JSONL)."""
    if file.format == ".csv":
        with file.path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
        return [name.strip() for name in header]
    if file.format == ".parquet":
        return list(pq.read_schema(file.path).names)
    seen: dict[str, None] = {}
    with file.path.open(encoding="utf-8", errors="replace") as handle:
        for count, line in enumerate(handle):
            if count >= JSONL_SNIFF_RECORDS:
                break
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                seen.update(dict.fromkeys(record))
    return list(seen)


def check_columns(file: ContractFile) -> list[str]:
    """Raise BadInput naming the file and column if a required column is missing.

    Returns warnings for unknown columns (ignored, as the contract allows).
    """
    present = columns_of(file)
    missing = [name for name in file.spec.required if name not in present]
    if missing:
        raise BadInput(
            f"{file.path.name}: missing required column(s) {', '.join(missing)} "
            f"(required for {file.spec.name}: {', '.join(file.spec.required)})"
        )
    unknown = [name for name in present if name not in file.spec.columns]
    if unknown:
        return [f"{file.path.name}: unknown column(s) ignored: {', '.join(unknown)}"]
    return []


def clean(value: Any) -> str | None:
    """A contract value as ingest reads it: text, trimmed; empty, null or NaN -> None."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from Parquet/pandas means "empty"
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    text = text.strip()
    return text or None


def iter_rows(file: ContractFile) -> Iterator[RawRow]:
    """Every row of the file; ``line`` is the 1-based physical line (the row number for Parquet)."""
    wanted = file.spec.columns
    if file.format == ".csv":
        yield from _iter_csv(file.path, wanted)
    elif file.format == ".jsonl":
        yield from _iter_jsonl(file.path, wanted)
    else:
        yield from _iter_parquet(file.path, wanted)


def _iter_csv(path: Path, wanted: tuple[str, ...]) -> Iterator[RawRow]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        index = [(name, header.index(name)) for name in wanted if name in header]
        width = len(header)
        line = reader.line_num
        for record in reader:
            start, line = line + 1, reader.line_num
            if not record:
                continue
            if len(record) != width:
                error = f"has {len(record)} fields, the header has {width}"
                yield RawRow(start, error=error, raw=record)
            else:
                values = {name: clean(record[i]) for name, i in index}
                yield RawRow(start, values, raw=dict(zip(header, record, strict=True)))


def _iter_jsonl(path: Path, wanted: tuple[str, ...]) -> Iterator[RawRow]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield RawRow(number, error=f"not valid JSON ({error.msg})", raw=line.rstrip("\n"))
                continue
            if not isinstance(record, dict):
                yield RawRow(number, error="not a JSON object", raw=record)
                continue
            yield RawRow(number, {name: clean(record.get(name)) for name in wanted}, raw=record)


def _iter_parquet(path: Path, wanted: tuple[str, ...]) -> Iterator[RawRow]:
    parquet = pq.ParquetFile(path)
    columns = [name for name in wanted if name in parquet.schema_arrow.names]
    number = 0
    for batch in parquet.iter_batches(batch_size=10_000, columns=columns):
        for record in batch.to_pylist():
            number += 1
            yield RawRow(number, {name: clean(record.get(name)) for name in wanted}, raw=record)


def count_rows(file: ContractFile) -> int | None:
    """A cheap row count for the progress bar (lines for CSV/JSONL, metadata for Parquet)."""
    if file.format == ".parquet":
        return int(pq.ParquetFile(file.path).metadata.num_rows)
    total = 0
    with file.path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            total += chunk.count(b"\n")
    return max(0, total - (1 if file.format == ".csv" else 0))
