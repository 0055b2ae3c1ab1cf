"""Split a generated marketplace (CSV) into a base and later deltas by time, for testing and
measuring incremental analysis: each part is a contract directory that loads after the previous.

A row belongs to the part its own time falls in (sellers and buyers ``created_at``, listings
``created_at``, conversations ``started_at``, messages ``sent_at``, orders ``placed_at``, contacts
``observed_at``; a row without a time goes to the base), moved earlier when an earlier row needs
it: an account to the first part that refers to it, a conversation to the part of its first
message. So every part loads without a reject once the parts before it are loaded.
"""

from __future__ import annotations

import bisect
import csv
from collections.abc import Iterable
from pathlib import Path

TIME = {
    "sellers": "created_at",
    "buyers": "created_at",
    "listings": "created_at",
    "conversations": "started_at",
    "messages": "sent_at",
    "orders": "placed_at",
    "contacts": "observed_at",
}
ORDER = ("sellers", "buyers", "listings", "conversations", "messages", "orders", "contacts")

Rows = list[dict[str, str]]


def read_csv_dir(folder: Path) -> dict[str, Rows]:
    tables: dict[str, Rows] = {}
    for name in ORDER:
        path = folder / f"{name}.csv"
        if path.exists():
            with path.open(newline="", encoding="utf-8") as handle:
                tables[name] = list(csv.DictReader(handle))
    return tables


def _write(folder: Path, tables: dict[str, Rows]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        if not rows:
            continue
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def split(
    tables: dict[str, Rows], cuts: Iterable[str], *, accounts_in_base: bool = False
) -> list[dict[str, Rows]]:
    """Parts of ``tables`` cut at the ISO times ``cuts`` (sorted): ``len(cuts) + 1`` parts.
    ``accounts_in_base`` puts every seller and buyer in the base (the number of accounts then
    stays put while the deltas add activity)."""
    bounds = sorted(cuts)

    def part_of(row: dict[str, str], name: str) -> int:
        at = row.get(TIME[name]) or ""
        return bisect.bisect_right(bounds, at) if at else 0

    parts = {name: [part_of(row, name) for row in rows] for name, rows in tables.items()}
    first_use: dict[tuple[str, str], int] = {}

    def need(kind: str, key: str, part: int) -> None:
        first_use[(kind, key)] = min(part, first_use.get((kind, key), part))

    for row, part in zip(tables.get("messages", []), parts.get("messages", []), strict=True):
        need("conversation", row["conversation_id"], part)
    conversations = tables.get("conversations", [])
    for i, row in enumerate(conversations):
        parts["conversations"][i] = min(
            parts["conversations"][i], first_use.get(("conversation", row["conversation_id"]), 99)
        )
    for name in ("conversations", "orders", "listings"):
        for row, part in zip(tables.get(name, []), parts.get(name, []), strict=True):
            if "buyer_id" in row:
                need("buyer", row["buyer_id"], part)
            need("seller", row["seller_id"], part)
    for row, part in zip(tables.get("contacts", []), parts.get("contacts", []), strict=True):
        need(row["account_type"], row["account_id"], part)
    for name, kind in (("sellers", "seller"), ("buyers", "buyer")):
        for i, row in enumerate(tables.get(name, [])):
            own = 0 if accounts_in_base else parts[name][i]
            parts[name][i] = min(own, first_use.get((kind, row[f"{kind}_id"]), own))
    out: list[dict[str, Rows]] = [{name: [] for name in tables} for _ in range(len(bounds) + 1)]
    for name, rows in tables.items():
        for row, part in zip(rows, parts[name], strict=True):
            out[part][name].append(row)
    return out


def write_parts(
    source: Path, target: Path, cuts: Iterable[str], *, accounts_in_base: bool = False
) -> list[Path]:
    """Split the CSV marketplace in ``source`` into ``target/part-0`` (the base), ``part-1``..."""
    folders = []
    for index, tables in enumerate(
        split(read_csv_dir(source), cuts, accounts_in_base=accounts_in_base)
    ):
        folder = target / f"part-{index}"
        _write(folder, tables)
        folders.append(folder)
    return folders
