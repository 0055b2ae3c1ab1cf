"""How search recognises a query as an identifier of each kind, and which keys to look up.

A query is read the way ingest read the value it stands for, so ``07911 123456``, ``+44 7911
123456`` and ``447911123456`` all find ``phone:+447911123456``. Each kind declares, in the
registry, a :class:`Search`: whether a query has its shape (``looks_like``, for ``kind=auto``), and
the identifier keys the query could be (``keys``). A phone typed without its country code could be
from any region, so ``keys`` gets the regions to try.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sidedeal.identifiers import normalisers as n

Keys = Callable[[str, Sequence[str]], set[str]]


@dataclass(frozen=True)
class Search:
    """How search finds identifiers of one kind.

    ``looks_like``: the query has this kind's shape, so ``kind=auto`` tries it. ``keys``: the
    identifier keys the query may stand for. ``also_a_name``: a query of this shape may still be
    a person's or a shop's name, so the name search runs too (an ``@handle`` may be a nickname;
    an email or a phone is never a name). ``suffix``: for handles typed without their platform,
    the ``:handle`` ending to match on any platform. ``needs_regions``: ``keys`` reads the
    regions it is given (a phone without its country code), which cost a graph read to list.
    """

    looks_like: Callable[[str], bool]
    keys: Keys
    also_a_name: bool = False
    suffix: Callable[[str], str | None] | None = None
    needs_regions: bool = False


def _key(ident: n.Identifier | None) -> set[str]:
    return {ident.key} if ident is not None else set()


_PHONE_SHAPE = re.compile(r"^[\s+()\-./0-9\uff0b]{6,}$")


def _phone_like(query: str) -> bool:
    return sum(ch.isdigit() for ch in query) >= 6 and _PHONE_SHAPE.match(query) is not None


def _phone_keys(query: str, regions: Sequence[str]) -> set[str]:
    found = {n.normalise_phone(query, region) for region in [None, *regions]}
    return {ident.key for ident in found if ident is not None}


PHONE = Search(_phone_like, _phone_keys, needs_regions=True)
EMAIL = Search(lambda q: "@" in q.lstrip("@"), lambda q, _: _key(n.normalise_email(q)))


def _handle_keys(query: str, regions: Sequence[str]) -> set[str]:
    return _key(n.normalise_handle_text(query)) if ":" in query else set()


def _handle_suffix(query: str) -> str | None:
    if ":" in query or not query.lstrip("@").strip():
        return None
    handle = n.normalise_handle("unknown", query)
    return ":" + handle.value.split(":", 1)[1] if handle is not None else None


HANDLE = Search(
    lambda q: q.startswith("@") or ":" in q, _handle_keys, also_a_name=True, suffix=_handle_suffix
)

_COMPACT_IBAN = re.compile(r"(?:IBAN:?)?[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def _iban_like(query: str) -> bool:
    return _COMPACT_IBAN.fullmatch(re.sub(r"\s+", "", query).upper()) is not None


IBAN = Search(_iban_like, lambda q, _: _key(n.normalise_iban(q)))

# The scanner writes payout accounts it reads in messages as ``scheme:account``; the contacts file
# holds them as typed. A query is tried both ways.
_PAYPAL = re.compile(r"^(?:https?://)?(?:www\.)?paypal\.me/([\w.\-]+)/?$", re.IGNORECASE)
_SORTCODE = re.compile(r"^\D*(\d{2})[ .\-]?(\d{2})[ .\-]?(\d{2})\D+(\d{8})\D*$")
_SCHEMES = ("sortcode:", "paypal.me:", "btc:", "eth:")
_BANK_WORDS = re.compile(r"\b(?:aba|routing|acct|account|sort\s*code)\b")
_WALLET = re.compile(r"^(?:bc1[a-z0-9]{11,71}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[0-9a-fA-F]{40})$")


def _payout_like(query: str) -> bool:
    text = query.strip()
    lower = text.lower()
    return (
        lower.startswith(_SCHEMES)
        or _PAYPAL.match(text) is not None
        or (_WALLET.match(text) is not None)
        or (_BANK_WORDS.search(lower) is not None and sum(c.isdigit() for c in text) >= 8)
    )


def _payout_keys(query: str, regions: Sequence[str]) -> set[str]:
    text = query.strip()
    keys = {n.normalise_plain("payout", text).key}
    if (paypal := _PAYPAL.match(text)) is not None:
        keys.add(f"payout:paypal.me:{paypal.group(1).lower().rstrip('._-')}")
    if (code := _SORTCODE.match(text)) is not None:
        keys.add("payout:sortcode:" + "".join(code.groups()[:3]) + ":" + code.group(4))
    if _WALLET.match(text):
        scheme = "eth" if text.startswith("0x") else "btc"
        value = text.lower() if scheme == "eth" or text.lower().startswith("bc1") else text
        keys.add(f"payout:{scheme}:{value}")
    return keys


PAYOUT = Search(_payout_like, _payout_keys)


def _domain_like(query: str) -> bool:
    text = query.strip().lower()
    if " " in text or "@" in text or "." not in text:
        return False
    ident = n.normalise_domain(text)
    return ident is not None and ident.valid


DOMAIN = Search(
    _domain_like, lambda q, _: _key(n.normalise_domain(q)) if _domain_like(q) else set(), True
)


def _ip_like(query: str) -> bool:
    try:
        ipaddress.ip_address(query.strip())
    except ValueError:
        return False
    return True


IP = Search(_ip_like, lambda q, _: {n.normalise_ip(q.strip()).key})


def plain(kind: str, *, auto: Callable[[str], bool] | None = None) -> Search:
    """Exact search on the case-folded text, for kinds without structure (a device, an address).

    Without ``auto`` the kind is only searched when asked for by name: a free-text query has no
    shape that says "device id".
    """
    return Search(
        auto or (lambda q: False),
        lambda q, _: {n.normalise_plain(kind, q).key} if q.strip() else set(),
        also_a_name=True,
    )


def address_like(query: str) -> bool:
    """A street address has a number and words: ``12 Rue de Rivoli``."""
    text = query.strip()
    return " " in text and any(c.isdigit() for c in text) and any(c.isalpha() for c in text)
