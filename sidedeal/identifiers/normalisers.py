"""Identifier normalisation: the functions that turn a raw contact value into a graph identifier.

Which function serves which kind is declared in :mod:`sidedeal.identifiers.registry`; callers use
the registry's ``normalise(kind, raw, country)``. Profiles, the ``contacts`` file and the message
scanner all end up here, so that a phone typed
in a message (``07911 123456`` from a GB seller) meets the same phone in another account's profile
(``+44 7911 123456``) as one ``Identifier`` node keyed ``phone:+447911123456``.

Values that do not validate are kept, flagged ``valid=False``: a fictional or mistyped number shared
by two accounts still links them, and dropping it would hide exactly the accounts that were careless
or inventive with their details.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from publicsuffixlist import PublicSuffixList

# Providers that document "+tag" sub-addressing: the tag reaches the same mailbox, so it is dropped.
_SUBADDRESS_DOMAINS = frozenset(
    {
        "outlook.com", "hotmail.com", "live.com", "msn.com", "outlook.fr", "outlook.de",
        "outlook.it", "outlook.es", "hotmail.co.uk", "hotmail.fr", "hotmail.it", "hotmail.de",
        "hotmail.es", "hotmail.nl", "live.co.uk", "live.fr", "live.it", "live.de", "live.nl",
        "icloud.com", "me.com", "mac.com",
        "fastmail.com", "fastmail.fm", "fastmail.net", "fastmail.org", "fastmail.co.uk",
        "protonmail.com", "protonmail.ch", "proton.me", "pm.me",
    }
)  # fmt: skip
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

# Platform spellings people use, mapped to one name so "insta:x" and "instagram:x" are one node.
PLATFORM_ALIASES: dict[str, str] = {
    "insta": "instagram",
    "ig": "instagram",
    "fb": "facebook",
    "messenger": "facebook",
    "wa": "whatsapp",
    "tg": "telegram",
    "weixin": "wechat",
    "snap": "snapchat",
    "cash app": "cashapp",
}

# Country code -> IBAN length (SWIFT IBAN registry); a length check catches a digit too many or too
# few before mod-97, which on its own passes about one random string in 97.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TL": 23, "TN": 24, "TR": 26, "UA": 29,
    "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

_WS = re.compile(r"\s+")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")


@dataclass(frozen=True, slots=True)
class Identifier:
    """A contact value with its kind and normalised form; ``key`` is its graph identity."""

    kind: str
    value: str
    valid: bool = True

    @property
    def key(self) -> str:
        """``kind:value``, e.g. ``phone:+447911123456``: unique per identifier node."""
        return f"{self.kind}:{self.value}"


def normalise_phone(raw: str, country: str | None = None) -> Identifier | None:
    """E.164 via ``phonenumbers`` with ``country`` as the default region; a number that does not
    parse or validate is kept as its digit string (leading ``+`` kept), ``valid=False``."""
    text = raw.strip()
    if not text:
        return None
    region = _region(country)
    value, valid = _phone_cached(text, region)
    return Identifier("phone", value, valid)


def _region(country: str | None) -> str | None:
    if not country:
        return None
    region = country.strip().upper()
    # "UK" is not ISO 3166 but is what people (and some exports) write for GB.
    return "GB" if region == "UK" else region or None


@lru_cache(maxsize=65536)
def _phone_cached(text: str, region: str | None) -> tuple[str, bool]:
    try:
        number = phonenumbers.parse(text, region)
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True
    except phonenumbers.NumberParseException:
        pass
    digits = "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
    if not digits:
        return _WS.sub(" ", text).casefold(), False
    plus = "+" if text.lstrip("(").startswith(("+", "\uff0b")) else ""
    return plus + digits, False


def e164_if_valid(digits: str, region: str | None) -> str | None:
    """E.164 for a digit string that validates (``+`` prefix for international), else ``None``.

    The scanner's hot path: cached, and it never returns an invalid number, since in free text an
    invalid digit run is far more often a reference or a price than a phone.
    """
    value, valid = _phone_cached(digits, _region(region))
    return value if valid else None


@lru_cache(maxsize=65536)
def normalise_email(raw: str) -> Identifier | None:
    """Lower-case and trim; for gmail/googlemail drop dots and ``+tag`` in the local part and use
    gmail.com; for providers that document sub-addressing drop the ``+tag``.

    ``valid=False`` when there is not exactly one ``@`` or the domain has no dot.
    """
    text = raw.strip().lower()
    if text.startswith("mailto:"):
        text = text[7:].strip()
    if not text:
        return None
    if text.count("@") != 1:
        return Identifier("email", text, valid=False)
    local, domain = text.split("@")
    local, domain = local.strip(), domain.strip().rstrip(".")
    if domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    elif domain in _SUBADDRESS_DOMAINS:
        local = local.split("+", 1)[0]
    valid = bool(local) and "." in domain and not domain.startswith(".") and " " not in domain
    return Identifier("email", f"{local}@{domain}", valid)


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    # The list bundled with the package: no download at run time. Unknown TLDs are not accepted, so
    # "example.zz" is not mistaken for a registrable domain.
    return PublicSuffixList(accept_unknown=False)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The registrable domain (eTLD+1) of a lower-case host name, or ``None`` if it has none."""
    try:
        result = _psl().privatesuffix(host)
    except (ValueError, UnicodeError):
        return None
    return result if isinstance(result, str) else None


def normalise_domain(raw: str) -> Identifier | None:
    """A website or URL to its registrable domain (eTLD+1) using the offline public-suffix list:
    ``https://www.Shop.example.co.uk/x`` -> ``example.co.uk``; ``valid=False`` when there is none."""
    text = raw.strip().lower()
    if not text:
        return None
    text = _SCHEME.sub("", text)
    host = re.split(r"[/?#\s]", text, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    if host.startswith("["):  # an IPv6 literal has no registrable domain
        return Identifier("domain", host, valid=False)
    host = host.split(":", 1)[0].strip(".")
    if not host:
        return Identifier("domain", text, valid=False)
    registrable = registrable_domain(host)
    if registrable is None:
        return Identifier("domain", host, valid=False)
    return Identifier("domain", registrable, True)


def iban_valid(iban: str) -> bool:
    """True for an upper-case, space-free IBAN of its country's length whose mod-97 check is 1."""
    if not _IBAN_SHAPE.fullmatch(iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def normalise_iban(raw: str) -> Identifier | None:
    """Spaces removed, upper-case, a leading ``IBAN`` label dropped; ``valid`` is the mod-97 check."""
    text = _WS.sub("", raw).upper()
    if text.startswith("IBAN"):
        text = text[4:].lstrip(":")
    if not text:
        return None
    return Identifier("iban", text, iban_valid(text))


def normalise_handle(platform: str, raw: str) -> Identifier | None:
    """``platform:handle``, platform lower-case (aliases such as ``insta`` -> ``instagram``), handle
    without a leading ``@`` and lower-case: ``instagram:j.smith``."""
    name = _WS.sub(" ", platform.strip().lower()) or "unknown"
    name = PLATFORM_ALIASES.get(name, name)
    handle = raw.strip().lstrip("@").strip().lower()
    if not handle:
        return None
    return Identifier("handle", f"{name}:{handle}", True)


def normalise_handle_text(text: str) -> Identifier | None:
    """A handle given as ``platform:handle`` (``unknown`` platform when there is no colon)."""
    platform, sep, handle = text.partition(":")
    return normalise_handle(platform, handle) if sep else normalise_handle("unknown", text)


def normalise_payout(text: str) -> Identifier | None:
    """A payout account: an IBAN when it validates as one (the same node a message's IBAN is),
    else the account text trimmed and case-folded (``ABA 021000021 ACCT 1234567890``)."""
    iban = normalise_iban(text)
    if iban is not None and iban.valid:
        return iban
    return normalise_plain("payout", text)


def normalise_ip(text: str) -> Identifier:
    """An IP address in its canonical form; other text is kept case-folded, ``valid=False``."""
    try:
        return Identifier("ip", str(ipaddress.ip_address(text)), True)
    except ValueError:
        return Identifier("ip", _WS.sub(" ", text).casefold(), False)


def normalise_plain(kind: str, text: str) -> Identifier:
    """Whitespace collapsed and case-folded: for kinds with no structure of their own (a device
    id, a postal address)."""
    return Identifier(kind, _WS.sub(" ", text).casefold(), True)
