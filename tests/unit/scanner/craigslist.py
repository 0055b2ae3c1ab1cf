"""The Craigslist ads (shared/data/craigslist-listings): the one place that splits them.

Ads whose ``sha256(post_id) % 5 == 0`` are HELD OUT: labelled by someone else and read by nobody
writing rules. Every script or test that reads ``listings.jsonl`` goes through ``ads()``, which
drops them unless asked for by post id (``held_out=True``, for scoring a label file only).

Labels (``tests/data/craigslist_*_labels.jsonl``) hold no contact detail in plain text: one line
per ad, ``{"post_id", "sample", "phones": [...], "emails": [...]}``, each entry
``{"sha256", "valid", "start", "end", "classes", "unsure"}`` with ``sha256`` the hex digest of
``"phone:" + e164`` or ``"email:" + canonical address`` and ``start``/``end`` a span of
``text_of(ad)``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.unit.scanner.corpora import REPO, SHARED_DATA

LISTINGS = SHARED_DATA / "craigslist-listings" / "listings.jsonl"
DEV_LABELS = REPO / "tests" / "data" / "craigslist_dev_labels.jsonl"
HELDOUT_LABELS = REPO / "tests" / "data" / "craigslist_heldout_labels.jsonl"

CLASSES = (
    "plain", "symbol_separators", "line_break", "lookalike_letters", "digit_words",
    "mixed_words_digits", "misspelled_words", "tens_words", "trunk_prefix", "email_words",
    "email_no_dot_or_tld", "email_spaced_domain", "spelled_letters", "other",
)  # fmt: skip


def is_held_out(post_id: str) -> bool:
    """True for the ads nobody writing rules may read (a fifth of them, by hash)."""
    return int(hashlib.sha256(post_id.encode()).hexdigest(), 16) % 5 == 0


def ads(*, held_out: bool = False, wanted: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """The development ads (``held_out=False``), or only the held-out ads named in ``wanted``
    (``held_out=True``: for scoring a held-out label file, never for reading)."""
    if held_out and wanted is None:
        raise ValueError("held-out ads are read only by the post ids of a label file")
    with LISTINGS.open(encoding="utf-8") as handle:
        for line in handle:
            ad = json.loads(line)
            if is_held_out(ad["post_id"]) != held_out:
                continue
            if wanted is not None and ad["post_id"] not in wanted:
                continue
            yield ad


def text_of(ad: dict[str, Any]) -> str:
    """What is scanned: the title, a line break, the description's lines."""
    return str(ad["title"]) + "\n" + "\n".join(ad["description"])


def value_hash(kind: str, value: str) -> str:
    """The hash a label stores for a phone (E.164) or an email (canonical)."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def read_labels(path: Path) -> list[dict[str, Any]]:
    """The label lines of ``path``."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
