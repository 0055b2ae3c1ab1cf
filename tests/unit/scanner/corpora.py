"""The data the scanner tests read: the labelled corpus here, and the public sets in shared/data."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("SIDEDEAL_SHARED_DATA", REPO.parent / "shared" / "data"))
CORPUS = REPO / "tests" / "data" / "scanner_corpus.jsonl"
SMS = SHARED_DATA / "sms-spam-collection" / "SMSSpamCollection"
MASKED_EMAILS = SHARED_DATA / "obfuscated-emails" / "jenkins_jira_unmask_email_cases.jsonl"


@lru_cache(maxsize=1)
def corpus() -> list[dict[str, Any]]:
    """The labelled corpus, one dict per message."""
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@lru_cache(maxsize=1)
def sms() -> list[tuple[str, str]]:
    """(label, text) of the SMS Spam Collection; label is "ham" or "spam"."""
    rows = []
    with SMS.open(encoding="utf-8") as handle:
        for line in handle:
            label, _, text = line.rstrip("\n").partition("\t")
            rows.append((label, text))
    return rows


def masked_emails() -> list[dict[str, str]]:
    """The 25 masked addresses with the address each stands for."""
    with MASKED_EMAILS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
