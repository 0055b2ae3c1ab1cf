"""Read contract files (CSV, JSONL, Parquet) as rows of strings, with their line numbers.

Readers never raise on a bad row: a line that cannot be parsed, or holds bytes that are not text in
the file's encoding (utf-8 unless ``sidedeal ingest --encoding`` says otherwise), comes back as a
:class:`RawRow` with ``error`` set (the line and the byte offset of the first bad byte), so the
pipeline can reject it and keep going; such a byte is never replaced by U+FFFD, which would make a
phantom id. Problems with a whole file (unreadable, a header that is not text, missing required
columns, two files for one entity) are found by :func:`discover` and :func:`check_columns` before
anything is written.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
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
    # The text encoding of CSV and JSONL files (Python's codec names: utf-8, latin-1, cp1252...).
    encoding: str = "utf-8"

    @property
    def format(self) -> str:
        return self.path.suffix.lower()


def check_encoding(name: str) -> str:
    """The codec's canonical name; BadInput naming the option when Python does not know it."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise BadInput(
            f"--encoding {name!r} is not a text encoding Python knows (try utf-8, latin-1, cp1252)"
        ) from None
    if "16" in codec or "32" in codec:
        # Files are read line by line as bytes: a two- or four-byte encoding splits wrongly.
        raise BadInput(f"--encoding {name!r}: convert UTF-16/32 exports to utf-8 first")
    return codec


@dataclass
class _Lines:
    """The physical lines of a text file, decoded one by one.

    A line whose bytes do not decode is yielded decoded with U+FFFD and remembered in ``bad``
    (line number -> the reason, with the byte offset in the file), so the reader can reject the
    row it belongs to instead of loading the replacement character.
    """

    path: Path
    encoding: str
    bad: dict[int, str] = field(default_factory=dict)
    read: int = 0  # physical lines yielded so far

    def __iter__(self) -> Iterator[str]:
        codec = "utf-8-sig" if self.encoding == "utf-8" else self.encoding
        offset = 0
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                self.read = number
                # Only the first line can carry a byte-order mark.
                chunk_codec = codec if number == 1 else self.encoding
                try:
                    yield raw.decode(chunk_codec)
                except UnicodeDecodeError as error:
                    at = offset + error.start
                    self.bad[number] = (
                        f"line {number} is not valid {self.encoding} at byte offset {at} "
                        f"(byte 0x{raw[error.start]:02x}); if the export is in another encoding, "
                        "pass --encoding (e.g. latin-1 or cp1252)"
                    )
                    yield raw.decode(chunk_codec, errors="replace")
                offset += len(raw)


def _open_failed(file: ContractFile, error: OSError) -> BadInput:
    return BadInput(f"{file.path.name}: cannot be read ({error.strerror or error})")


def discover(directory: Path, encoding: str = "utf-8") -> tuple[list[ContractFile], list[str]]:
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
        found[spec.name] = ContractFile(spec, path, encoding)
    if not found:
        names = ", ".join(f"{name}.csv|.jsonl|.parquet" for name in BY_NAME)
        raise BadInput(f"{directory} holds no contract file (expected any of: {names})")
    order = list(BY_NAME)
    return sorted(found.values(), key=lambda f: order.index(f.spec.name)), warnings


def columns_of(file: ContractFile) -> list[str]:
    """The column names the file declares (CSV header, Parquet schema, keys seen in JSONL)."""
    try:
        if file.format == ".parquet":
            return list(pq.read_schema(file.path).names)
        lines = _Lines(file.path, file.encoding)
        if file.format == ".csv":
            header = _csv_header(iter(lines), lines, file)
            return [name.strip() for name in header]
        seen: dict[str, None] = {}
        for count, line in enumerate(lines):
            if count >= JSONL_SNIFF_RECORDS:
                break
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                seen.update(dict.fromkeys(record))
        return list(seen)
    except OSError as error:
        raise _open_failed(file, error) from None
    except pa.ArrowException as error:
        raise BadInput(f"{file.path.name}: not a readable Parquet file ({error})") from None


def _csv_header(lines: Iterator[str], decoded: _Lines, file: ContractFile) -> list[str]:
    """The CSV header row; BadInput when it is not text in the file's encoding."""
    reader = csv.reader(lines)
    header = next(reader, [])
    if decoded.bad:
        first = decoded.bad[min(decoded.bad)]
        raise BadInput(f"{file.path.name}: the header is unreadable: {first}")
    return header


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
        yield from _iter_csv(file, wanted)
    elif file.format == ".jsonl":
        yield from _iter_jsonl(file, wanted)
    else:
        yield from _iter_parquet(file.path, wanted)


def _undecodable(bad: dict[int, str], lines: Iterable[int]) -> str | None:
    """The reason for the first undecodable physical line among ``lines``, if any."""
    return next((bad[n] for n in lines if n in bad), None)


def _iter_csv(file: ContractFile, wanted: tuple[str, ...]) -> Iterator[RawRow]:
    decoded = _Lines(file.path, file.encoding)
    lines = iter(decoded)
    header = [name.strip() for name in _csv_header(lines, decoded, file)]
    reader = csv.reader(lines)
    index = [(name, header.index(name)) for name in wanted if name in header]
    width = len(header)
    line = decoded.read
    for record in reader:
        # A quoted field may span physical lines: this row is lines start..line.
        start, line = line + 1, decoded.read
        if not record:
            continue
        error = _undecodable(decoded.bad, range(start, line + 1))
        if error is not None:
            yield RawRow(start, error=error, raw=record)
        elif len(record) != width:
            error = f"has {len(record)} fields, the header has {width}"
            yield RawRow(start, error=error, raw=record)
        else:
            values = {name: clean(record[i]) for name, i in index}
            yield RawRow(start, values, raw=dict(zip(header, record, strict=True)))


def _iter_jsonl(file: ContractFile, wanted: tuple[str, ...]) -> Iterator[RawRow]:
    decoded = _Lines(file.path, file.encoding)
    for number, line in enumerate(decoded, start=1):
        if not line.strip():
            continue
        undecodable = decoded.bad.get(number)
        if undecodable is not None:
            yield RawRow(number, error=undecodable, raw=line.rstrip("\n"))
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
