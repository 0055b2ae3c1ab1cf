"""How a viewer sees an identifier's value: enough to tell two apart, never enough to reach anyone.

``+447911123456`` -> ``+44 79** ***456``, ``jhartley@gmail.com`` -> ``j***@gmail.com``,
``GB82WEST12345698765432`` -> ``GB82**************5432``. Each function takes a normalised value of
its kind; which kind uses which is declared in :mod:`sidedeal.identifiers.registry`.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


def keep(value: str) -> str:
    """No mask: for values that are public anyway (a shop's registrable domain)."""
    return value


def generic(value: str, keep_end: int = 0) -> str:
    """The first character, then ``***`` (and the last ``keep_end`` characters)."""
    if len(value) <= 1 + keep_end:
        return "*" * len(value)
    return value[0] + "***" + (value[-keep_end:] if keep_end else "")


def _national(digits: str) -> str:
    # Short numbers show less: five of seven digits would give the number away.
    if len(digits) < 9:
        return "*" * max(len(digits) - 2, 0) + digits[-2:]
    masked = digits[:2] + "*" * (len(digits) - 5) + digits[-3:]
    return masked[:4] + " " + masked[4:]


@lru_cache(maxsize=65536)
def phone(value: str) -> str:
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


def email(value: str) -> str:
    """``jhartley@gmail.com`` -> ``j***@gmail.com`` (the provider says little about a person)."""
    local, sep, domain = value.partition("@")
    if not sep:
        return generic(value)
    return f"{local[:1]}***@{domain}"


def iban(value: str) -> str:
    """The country, check digits and last four characters: what a bank statement shows."""
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "****"


def prefixed(value: str) -> str:
    """``telegram:hartley_w`` -> ``telegram:h***``: the platform (or payout scheme) stays."""
    prefix, sep, rest = value.rpartition(":")
    return f"{prefix}{sep}{generic(rest)}" if sep else generic(value)


def ip(value: str) -> str:
    """``203.0.113.7`` -> ``203.0.*.*``: the network, not the host."""
    if value.count(".") == 3:
        return ".".join([*value.split(".")[:2], "*", "*"])
    return generic(value)
