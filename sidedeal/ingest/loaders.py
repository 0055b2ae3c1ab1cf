"""One loader per contract entity: check a batch's references against the graph, and say what to
write.

A loader receives rows that already passed :mod:`sidedeal.ingest.validate`. ``load`` reads what it
needs from the graph (do the referenced ids exist? the sender's country) and returns the rows it
refused (with the reason), and the idempotent MERGE statements to run for the rest. It does not run
them itself: the pipeline hands them to a writer thread, so Neo4j writes one batch while Python
reads, validates and scans the next. Loaders also report the buyer-seller pairs they touched, whose
derived ``DEALT_WITH`` edge the pipeline recomputes at the end of the run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, LiteralString

from sidedeal.graph.store import Store
from sidedeal.identifiers import Identifier, normalise
from sidedeal.ingest import queries as q
from sidedeal.scanner import (
    DEFAULT_MAX_FINDINGS,
    Finding,
    ScanResult,
    cap_findings,
    finding_identifier,
    scan,
)

Row = dict[str, Any]
Pair = tuple[str, str]
Scanner = Callable[[str, str | None], list[Finding]]


# A statement, its parameters, and the statement to run instead if a uniqueness constraint
# refuses the first (None: let the refusal stop the run).
Write = tuple[LiteralString, dict[str, Any], LiteralString | None]


@dataclass
class BatchResult:
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (index in batch, reason)
    writes: list[Write] = field(default_factory=list)  # run in order, after earlier batches
    pairs: set[Pair] = field(default_factory=set)
    identifiers: int = 0
    findings: int = 0
    scan_seconds: float = 0.0


def _lookup(store: Store, query: LiteralString, ids: Iterable[str]) -> dict[str, Row]:
    """The graph's rows for these ids, by id; ``query`` returns one row of ``rows`` (see queries)."""
    unique = sorted(set(ids))
    if not unique:
        return {}
    found = store.read_plain(query, {"ids": unique})
    return {row["id"]: row for row in found[0]["rows"]} if found else {}


def _wire_time(value: datetime | None) -> str | None:
    """A timestamp as the ISO-8601 text the write statements parse (see queries)."""
    return value.isoformat() if value is not None else None


def _with_time(row: Row, field: str) -> Row:
    """The row with ``props[field]`` moved out to ``row[field]`` as ISO text."""
    props = dict(row["props"])
    return {**row, "props": props, field: _wire_time(props.pop(field, None))}


def _identifier_rows(
    account_id: str, ident: Identifier | None, source: str, observed_at: datetime | None = None
) -> list[Row]:
    if ident is None:
        return []
    return [
        {
            "account_id": account_id,
            "key": ident.key,
            "kind": ident.kind,
            "value": ident.value,
            "valid": ident.valid,
            "source": source,
            "observed_at": _wire_time(observed_at),
        }
    ]


class AccountLoader:
    """Sellers and buyers: the node, and the identifiers of its profile (email, phone, website)."""

    def __init__(self, key: str, merge: LiteralString, link: LiteralString) -> None:
        self.key, self.merge, self.link = key, merge, link

    def load(self, store: Store, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        links: list[Row] = []
        for row in rows:
            for kind in ("email", "phone", "website"):
                ident = normalise(kind, row.get(kind), row["country"])
                links += _identifier_rows(row[self.key], ident, "profile")
        accounts = [
            _with_time({self.key: r[self.key], "props": r["props"]}, "created_at") for r in rows
        ]
        result.writes.append((self.merge, {"rows": accounts}, None))
        if links:
            result.writes.append((self.link, {"rows": links}, None))
        result.identifiers = len(links)
        return result


class ListingLoader:
    def load(self, store: Store, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        sellers = _lookup(store, q.EXISTING_SELLERS, (r["seller_id"] for r in rows))
        good = []
        for index, row in enumerate(rows):
            if row["seller_id"] not in sellers:
                result.rejected.append((index, f"unknown seller_id {row['seller_id']!r}"))
            else:
                good.append(row)
        if good:
            result.writes.append((q.MERGE_LISTINGS, {"rows": good}, None))
        return result


class PartyLoader:
    """Conversations and orders: both reference a buyer and a seller that must exist."""

    def __init__(self, merge: LiteralString, time_field: str) -> None:
        self.merge, self.time_field = merge, time_field

    def load(self, store: Store, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        buyers = _lookup(store, q.EXISTING_BUYERS, (r["buyer_id"] for r in rows))
        sellers = _lookup(store, q.EXISTING_SELLERS, (r["seller_id"] for r in rows))
        good = []
        for index, row in enumerate(rows):
            if row["buyer_id"] not in buyers:
                result.rejected.append((index, f"unknown buyer_id {row['buyer_id']!r}"))
            elif row["seller_id"] not in sellers:
                result.rejected.append((index, f"unknown seller_id {row['seller_id']!r}"))
            else:
                good.append(_with_time(row, self.time_field))
                result.pairs.add((row["buyer_id"], row["seller_id"]))
        if good:
            result.writes.append((self.merge, {"rows": good}, None))
        return result


class MessageLoader:
    """Messages: the node, its conversation and sender, and what the scanner finds in its body.

    The sender's country (from the graph) is the scanner's default region for phone numbers.
    At most ``max_findings`` findings are kept per message (``Settings.scan_max_findings``); the
    message says when the cap was hit (``findings_capped``) and how many there were
    (``findings_total``).
    """

    def __init__(self, scanner: Scanner | None, max_findings: int = DEFAULT_MAX_FINDINGS) -> None:
        self.scanner = scanner
        self.max_findings = max_findings

    def load(self, store: Store, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        parties = _lookup(store, q.CONVERSATION_PARTIES, (r["conversation_id"] for r in rows))
        good: list[Row] = []
        mentions: list[Row] = []
        for index, row in enumerate(rows):
            party = parties.get(row["conversation_id"])
            if party is None:
                reason = f"unknown conversation_id {row['conversation_id']!r}"
                result.rejected.append((index, reason))
                continue
            result.pairs.add((party["buyer_id"], party["seller_id"]))
            sender = row["sender"]
            country = party[f"{sender}_country"]
            row = {**row, "sender_key": f"{sender}:{party[f'{sender}_id']}"}
            scanned = ScanResult([], False, 0)
            if self.scanner is not None:
                started = time.perf_counter()
                scanned = cap_findings(self.scanner(row["body"], country), self.max_findings)
                result.scan_seconds += time.perf_counter() - started
            findings = scanned.findings
            good.append(_message_row(row, scanned))
            for finding in findings:
                ident = finding_identifier(finding)
                if ident is not None:
                    mentions.append(_mention_row(row["message_id"], finding, ident))
            result.findings += len(findings)
        if good:
            known = _lookup(store, q.EXISTING_MESSAGES, (r["message_id"] for r in good))
            # Two writers commit batches at once, and each locks the conversations and senders its
            # new edges attach to. Rows in one order (sender, then conversation) make both take
            # those locks in the same order, so they wait for each other instead of deadlocking.
            good.sort(key=lambda r: (r["sender_key"], r["conversation_id"], r["message_id"]))
            new = [r for r in good if r["message_id"] not in known]
            again = [r for r in good if r["message_id"] in known]
            if new:
                result.writes.append((q.CREATE_MESSAGES, {"rows": new}, q.MERGE_MESSAGES))
            if again:
                result.writes.append((q.MERGE_MESSAGES, {"rows": again}, None))
        if mentions:
            mentions.sort(key=lambda r: (r["key"], r["message_id"]))  # lock order, as above
            result.writes.append((q.MERGE_MENTIONS, {"rows": mentions}, None))
        result.identifiers = len(mentions)
        return result


def _message_row(row: Row, scanned: ScanResult) -> Row:
    findings = scanned.findings
    # A finding that names an identifier (phone, email, domain, handle, IBAN, payout) is a contact
    # detail; the rest (cues and payment methods such as "paypal_ff") are stored as the message's cues.
    cues = [f for f in findings if f.kind in ("cue", "payment") and finding_identifier(f) is None]
    return {
        **row,
        "sent_at": _wire_time(row["sent_at"]),
        "finding_count": len(findings),
        "findings_capped": scanned.capped,
        "findings_total": scanned.total,
        # Set by ingest when the body was longer than Settings.max_body_chars (see sidecars).
        "body_truncated": row.get("body_truncated"),
        "body_chars": row.get("body_chars"),
        "contact_count": len(findings) - len(cues),
        "cue_count": len(cues),
        "cues": sorted({f.value for f in cues}),
        # Every span, for highlighting in the explorer; cues have spans but no Identifier node.
        "findings": json.dumps([f.to_dict() for f in findings], ensure_ascii=False)
        if findings
        else None,
    }


def _mention_row(message_id: str, finding: Finding, ident: Identifier) -> Row:
    return {
        "message_id": message_id,
        "key": ident.key,
        "kind": ident.kind,
        "value": ident.value,
        "valid": ident.valid,
        "start": finding.start,
        "end": finding.end,
        "rule": finding.rule,
        "confidence": finding.confidence,
    }


class ContactLoader:
    """The contacts file: identifiers observed on an account outside its profile."""

    def load(self, store: Store, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        accounts = {
            "buyer": _lookup(
                store,
                q.EXISTING_BUYERS,
                (r["account_id"] for r in rows if r["account_type"] == "buyer"),
            ),
            "seller": _lookup(
                store,
                q.EXISTING_SELLERS,
                (r["account_id"] for r in rows if r["account_type"] == "seller"),
            ),
        }
        links: dict[str, list[Row]] = {"buyer": [], "seller": []}
        for index, row in enumerate(rows):
            account = accounts[row["account_type"]].get(row["account_id"])
            if account is None:
                reason = f"unknown {row['account_type']} account_id {row['account_id']!r}"
                result.rejected.append((index, reason))
                continue
            ident = normalise(row["kind"], row["value"], account["country"])
            if ident is None:
                result.rejected.append((index, "value is empty after normalisation"))
                continue
            links[row["account_type"]] += _identifier_rows(
                row["account_id"], ident, "contacts", row["observed_at"]
            )
        if links["buyer"]:
            result.writes.append((q.LINK_BUYER_IDENTIFIERS, {"rows": links["buyer"]}, None))
        if links["seller"]:
            result.writes.append((q.LINK_SELLER_IDENTIFIERS, {"rows": links["seller"]}, None))
        result.identifiers = len(links["buyer"]) + len(links["seller"])
        return result


def default_scanner(platform_domains: list[str]) -> Scanner:
    def run(text: str, country: str | None) -> list[Finding]:
        return scan(text, country, platform_domains=platform_domains)

    return run
