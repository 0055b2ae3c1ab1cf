"""Convert ../shared/data/neo4j-demo-fraud (Neo4j's own fraud demo) into the sidedeal contract.

Customers become buyers; their email, phone and address become rows of the ``contacts`` file. The
source publishes what its graph holds (131 customer pairs sharing an identifier; clusters of 70 and
4 singletons), so a faithful ingest must reproduce those figures exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"export_transactions_{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def to_contract(folder: Path) -> dict[str, list[dict[str, Any]]]:
    emails = {r["emailID"]: r["emailAddress"] for r in _read(folder, "Email")}
    phones = {r["phoneNumberID"]: r["number"] for r in _read(folder, "PhoneNumber")}
    addresses = {
        r["addressID"]: ", ".join(r[k] for k in ("street", "city", "state", "country"))
        for r in _read(folder, "Address")
    }
    buyers = [{"buyer_id": r["customerID"], "name": r["name"]} for r in _read(folder, "Customer")]
    contacts: list[dict[str, Any]] = []
    links = (
        ("Customer_USES_EMAIL_Email", "end_Email_emailID", "email", emails),
        ("Customer_USES_PHONE_PhoneNumber", "end_PhoneNumber_phoneNumberID", "phone", phones),
        ("Customer_RESIDES_AT_Address", "end_Address_addressID", "address", addresses),
    )
    for name, column, kind, values in links:
        for row in _read(folder, name):
            contacts.append(
                {
                    "account_type": "buyer",
                    "account_id": row["start_Customer_customerID"],
                    "kind": kind,
                    "value": values[row[column]],
                }
            )
    return {"buyers": buyers, "contacts": contacts}


def published_pairs(folder: Path) -> dict[frozenset[str], tuple[float, int]]:
    """The source's SHARED_IDENTIFIERS pairs: {pair: (sharedRatio, sharedCount)} (262 directed rows)."""
    pairs: dict[frozenset[str], tuple[float, int]] = {}
    for row in _read(folder, "Customer_SHARED_IDENTIFIERS_Customer"):
        key = frozenset((row["start_Customer_customerID"], row["end_Customer_customerID"]))
        pairs[key] = (float(row["sharedRatio"]), int(row["sharedCount"]))
    return pairs
