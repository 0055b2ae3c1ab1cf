"""Masking of contact values for the ``viewer`` role.

A viewer sees that a phone, an email or an IBAN was exchanged, and enough of it to tell two apart
(``+44 79** ***456``, ``j***@gmail.com``), but never enough to contact the person. How each kind's
value is masked is declared in the identifier registry; this module applies it to what the API
returns:

- a typed identifier (kind and normalised value): :func:`mask_value` / :func:`mask_key`;
- a message body: :func:`mask_body` blanks the spans the scanner stored, keeping the body's length
  so the spans still index the masked text (a client highlights the same offsets);
- free text written by the analysis (reasons that quote a value): :func:`mask_text` replaces the
  values it is told about, then anything still shaped like a phone, an email or an IBAN;
- free text written by people (decision notes, case close notes, recovery-order notes, allow-list
  reasons), which may hold any contact value in any disguise: :func:`mask_free_text` runs the
  scanner over it (phones tried in the usual regions too) and replaces each contact finding with
  the registry's mask of its value, then masks any long run of digits left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sidedeal.identifiers import known_values, mask_finding, mask_key, mask_value
from sidedeal.identifiers import masks as _masks
from sidedeal.identifiers.registry import finding_is_masked
from sidedeal.scanner import scan
from sidedeal.settings import Settings

_PHONE = re.compile(r"\+\d{7,15}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b")


def mask_text(text: str, known: dict[str, str] | None = None) -> str:
    """Replace the ``known`` values (longest first), then whatever looks like a phone, an email
    or an IBAN. Best effort for prose: values of other kinds are masked only when known."""
    for value in sorted(known or {}, key=len, reverse=True):
        text = text.replace(value, (known or {})[value])
    text = _EMAIL.sub(lambda m: _masks.email(m.group(0)), text)
    text = _IBAN.sub(lambda m: _masks.iban(m.group(0)), text)
    return _PHONE.sub(lambda m: _masks.phone(m.group(0)), text)


# Phones typed without their country code are found in these regions (the settings' default list;
# a viewer's masking must not depend on a graph read).
FREE_TEXT_REGIONS: tuple[str, ...] = tuple(Settings.model_fields["phone_regions"].default)
# Nine or more digits in one run (spaces, dots, dashes, slashes or brackets between them): a phone
# or an account number of a region the scanner was not asked about. Dates and amounts are shorter.
_DIGIT_RUN = re.compile(r"\d(?:[\s.\-/()]{0,2}\d){8,}")


@lru_cache(maxsize=4096)
def mask_free_text(text: str) -> str:
    """Free text as a viewer sees it: every contact value the scanner finds in it (with or
    without a country code, in any disguise it reads) replaced by the registry's mask of the
    value, then what :func:`mask_text` catches, then long digit runs starred but their last 3
    digits. Text with no contact value is returned unchanged."""
    spans: dict[tuple[int, int], str] = {}
    for region in (None, *FREE_TEXT_REGIONS):
        for finding in scan(text, region):
            found = {"kind": finding.kind, "value": finding.value}
            # A span holding or following a star is a mask already: masked text stays as it is.
            near = text[max(finding.start - 1, 0) : finding.end]
            if is_contact_finding(found) and "*" not in near:
                spans.setdefault((finding.start, finding.end), mask_finding_value(found))
    masked, end = [], len(text)
    # Right to left, the outer span first where two overlap (a phone inside a longer link).
    for (start, stop), shown in sorted(spans.items(), key=lambda s: (-s[0][1], s[0][0])):
        if stop > end:
            continue
        masked.append(text[stop:end])
        masked.append(shown)
        end = start
    masked.append(text[:end])
    result = mask_text("".join(reversed(masked)))
    return _DIGIT_RUN.sub(_star_digits, result)


def _star_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    keep = len(run) - 3
    return "".join("*" if c.isdigit() and i < keep else c for i, c in enumerate(run))


def is_contact_finding(finding: dict[str, Any]) -> bool:
    """A stored finding whose span is a contact value a viewer must not read."""
    return finding_is_masked(str(finding.get("kind")), str(finding.get("value") or ""))


def mask_finding_value(finding: dict[str, Any]) -> str:
    return mask_finding(str(finding.get("kind")), str(finding.get("value") or ""))


def mask_body(body: str, findings: Sequence[dict[str, Any]]) -> str:
    """Star every non-space character inside the contact findings' spans; the length is kept."""
    chars = list(body)
    for finding in findings:
        if not is_contact_finding(finding):
            continue
        start, end = finding.get("start"), finding.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        for index in range(max(start, 0), min(end, len(chars))):
            if not chars[index].isspace():
                chars[index] = "*"
    return "".join(chars)


__all__ = [
    "is_contact_finding",
    "known_values",
    "mask_body",
    "mask_finding_value",
    "mask_free_text",
    "mask_key",
    "mask_text",
    "mask_value",
]
