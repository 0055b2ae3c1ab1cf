"""Masking of contact values for the ``viewer`` role.

A viewer sees that a phone, an email or an IBAN was exchanged, and enough of it to tell two apart
(``+44 79** ***456``, ``j***@gmail.com``), but never enough to contact the person. Three cases:

- a typed identifier (kind and normalised value): :func:`mask_value` / :func:`mask_key`;
- a message body: :func:`mask_body` blanks the spans the scanner stored, keeping the body's length
  so the spans still index the masked text (a client highlights the same offsets);
- free text written by the analysis (reasons that quote a value): :func:`mask_text` replaces the
  values it is told about, then anything still shaped like a phone, an email or an IBAN.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import phonenumbers

# Kinds whose values reach a person. A shop's registrable domain is public, so domains stay.
MASKED_KINDS = frozenset({"phone", "email", "handle", "iban", "payout", "ip", "device", "address"})
# Scanner finding kinds whose span is a contact value (payment spans only when they name an account).
CONTACT_FINDINGS = frozenset({"phone", "email", "handle"})
ACCOUNT_PAYMENTS = ("iban:", "sortcode:", "paypal.me:", "btc:", "eth:")

_PHONE = re.compile(r"\+\d{7,15}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b")


def _generic(text: str, keep_end: int = 0) -> str:
    if len(text) <= 1 + keep_end:
        return "*" * len(text)
    return text[0] + "***" + (text[-keep_end:] if keep_end else "")


def _national(digits: str) -> str:
    # Short numbers show less: five of seven digits would give the number away.
    if len(digits) < 9:
        return "*" * max(len(digits) - 2, 0) + digits[-2:]
    masked = digits[:2] + "*" * (len(digits) - 5) + digits[-3:]
    return masked[:4] + " " + masked[4:]


@lru_cache(maxsize=65536)
def mask_phone(value: str) -> str:
    """``+447911123456`` -> ``+44 79** ***456``; a bare digit string keeps its last three digits."""
    if value.startswith("+"):
        try:
            code = str(phonenumbers.parse(value).country_code)
        except phonenumbers.NumberParseException:
            code = ""
        if code and value[1:].startswith(code):
            return f"+{code} {_national(value[1 + len(code) :])}"
        return "+" + _national(value[1:])
    return _national(value)


def mask_email(value: str) -> str:
    """``jhartley@gmail.com`` -> ``j***@gmail.com``."""
    local, sep, domain = value.partition("@")
    if not sep:
        return _generic(value)
    return f"{local[:1]}***@{domain}"


@lru_cache(maxsize=65536)
def mask_value(kind: str, value: str) -> str:
    """The masked form of an identifier's normalised value (unchanged for kinds that stay)."""
    if kind not in MASKED_KINDS:
        return value
    if kind == "phone":
        return mask_phone(value)
    if kind == "email":
        return mask_email(value)
    if kind == "iban":
        return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "****"
    if kind in ("handle", "payout"):
        prefix, sep, rest = value.rpartition(":")
        return f"{prefix}{sep}{_generic(rest)}" if sep else _generic(value)
    if kind == "ip" and value.count(".") == 3:
        return ".".join([*value.split(".")[:2], "*", "*"])
    return _generic(value)


def mask_key(key: str) -> str:
    """``phone:+447911123456`` -> ``phone:+44 79** ***456``; strings that are no key stay."""
    kind, sep, value = key.partition(":")
    if not sep or kind not in MASKED_KINDS:
        return key
    return f"{kind}:{mask_value(kind, value)}"


def known_values(keys: Iterable[str]) -> dict[str, str]:
    """Value -> masked value for the identifier keys among ``keys`` (message ids are skipped)."""
    out: dict[str, str] = {}
    for key in keys:
        kind, sep, value = key.partition(":")
        if sep and kind in MASKED_KINDS and value:
            out[value] = mask_value(kind, value)
    return out


def mask_text(text: str, known: dict[str, str] | None = None) -> str:
    """Replace the ``known`` values (longest first), then whatever looks like a phone, an email
    or an IBAN. Best effort for prose: values of other kinds are masked only when known."""
    for value in sorted(known or {}, key=len, reverse=True):
        text = text.replace(value, (known or {})[value])
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = _IBAN.sub(lambda m: mask_value("iban", m.group(0)), text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


def is_contact_finding(finding: dict[str, Any]) -> bool:
    kind, value = finding.get("kind"), str(finding.get("value") or "")
    return kind in CONTACT_FINDINGS or (kind == "payment" and value.startswith(ACCOUNT_PAYMENTS))


def mask_finding_value(finding: dict[str, Any]) -> str:
    kind, value = str(finding.get("kind")), str(finding.get("value") or "")
    if kind == "payment":
        if value.startswith("iban:"):
            return "iban:" + mask_value("iban", value[5:])
        return mask_value("payout", value) if value.startswith(ACCOUNT_PAYMENTS) else value
    return mask_value(kind, value) if kind in MASKED_KINDS else value


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
