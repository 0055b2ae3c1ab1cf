"""Contact identifiers for synthetic people: valid phones, unique emails, IBANs, handles.

Two properties matter more than looks, because the link analysis treats a shared identifier as
evidence: every identifier is **unique to one account unless the generator shares it on
purpose**, and every phone is **valid for its country** (``phonenumbers.is_valid_number``), so a
scanner that drops invalid numbers is not penalised for our mistakes.

Uniqueness comes from construction rather than from a set of numbers already issued (which would
grow with the data): each identifier is a bijection of a *serial* (the account's index and a
slot) into a number space (see ``_permute``), salted per kind of identifier. Phone prefixes
below were checked so that every completion validates and stays in the country (some UK ranges
belong to Jersey, Guernsey or the Isle of Man, hence the odd list).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from sidedeal.identifiers import normalise

# region -> (national number length, mobile prefixes whose every completion is valid)
MOBILE_PREFIXES: dict[str, tuple[int, tuple[str, ...]]] = {
    "GB": (10, ("73", "71", "790", "795", "796", "797", "798")),
    "IE": (9, ("83", "85", "86", "87", "89")),
    "US": (10, ("2012", "2124", "3105", "4156", "6467", "9178", "3124", "6173", "2028", "7185")),
    "FR": (9, ("61", "62", "64", "65", "66", "67", "68", "60", "75", "76", "77", "78")),
    "BE": (9, ("46", "47", "48", "49")),
    "CH": (9, ("76", "77", "78", "79")),
    "IT": (10, ("32", "33", "34", "36", "38", "39")),
    "DE": (10, ("160", "162", "170", "171", "172", "173", "174", "175", "179")),
    "AT": (10, ("664", "650", "676", "660")),
    "ES": (9, ("6",)),
    "NL": (9, ("61", "62", "63", "64", "65", "68")),
    "SE": (9, ("70", "72", "73", "76", "79")),
    "HK": (8, ("61", "63", "64", "65", "69", "94", "96", "97")),
    "AE": (9, ("50", "52", "54", "55", "56", "58")),
}

# Slots keep one account's several identifiers apart in the serial space.
SLOT_PROFILE, SLOT_PRIVATE, SLOT_SPARE, SLOT_GROUP = 0, 1, 2, 3
_SLOTS = 4


class IdentityError(RuntimeError):
    """The generator asked for more unique identifiers than a number space holds."""


def _permute(serial: int, size: int, salt: int) -> int:
    """A pseudo-random bijection of ``[0, size)``: a Feistel network with cycle walking.

    An affine map would do for uniqueness, but it makes neighbouring accounts' numbers look
    sequential (``...094699``, ``...094723``); four Feistel rounds scatter them.
    """
    if not 0 <= serial < size:
        raise IdentityError(f"serial {serial} outside a space of {size}")
    half = max(1, ((size - 1).bit_length() + 1) // 2)
    mask = (1 << half) - 1
    x = serial
    while True:
        left, right = x >> half, x & mask
        for rnd in range(4):
            mixed = (right * 0x9E3779B1 + salt * 0x85EBCA6B + rnd * 0xC2B2AE35) & 0xFFFFFFFF
            mixed ^= mixed >> 15
            left, right = right, left ^ (mixed & mask)
        x = (left << half) | right
        if x < size:
            return x


def serial(kind: str, index: int, slot: int) -> int:
    """A unique serial for one identifier of one account (kind is ``seller`` or ``buyer``)."""
    return (index * 2 + (kind == "buyer")) * _SLOTS + slot


def mobile(region: str, serial_no: int, salt: int, check: bool = True) -> str:
    """A valid mobile number of ``region`` in E.164, distinct for every distinct serial.

    ``check`` re-validates with ``phonenumbers`` (a tenth of a millisecond): numbers that reach
    a file are checked, here or when their message is labelled; numbers only carried around are
    not checked twice.
    """
    length, prefixes = MOBILE_PREFIXES[region]
    sizes = [10 ** (length - len(p)) for p in prefixes]
    x = _permute(serial_no, sum(sizes), salt + 1)
    for prefix, size in zip(prefixes, sizes, strict=True):
        if x < size:
            national = prefix + str(x).zfill(length - len(prefix))
            break
        x -= size
    code = phonenumbers.country_code_for_region(region)
    if check:
        number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
        if not phonenumbers.is_valid_number(number):
            raise IdentityError(f"generated an invalid number {national} for {region}")
    return f"+{code}{national}"


def check_phone(e164: str) -> None:
    """Raise :class:`IdentityError` unless ``e164`` is a valid number (a programming error)."""
    if not phonenumbers.is_valid_number(phonenumbers.parse(e164)):
        raise IdentityError(f"planted an invalid number {e164}")


@lru_cache(maxsize=4096)
def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits of ``text`` (accents stripped), words joined by sep.

    Cached: the same few hundred names come back for every account.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = ["".join(ch for ch in w if ch.isalnum()) for w in plain.lower().split()]
    return sep.join(w for w in words if w)


def number_tag(serial_no: int, space: int, salt: int) -> str:
    """A short distinct number to make a name-based email or handle unique."""
    return str(_permute(serial_no, space, salt + 2))


@dataclass(frozen=True)
class IbanBank:
    """How a country's BBAN is laid out: fixed bank codes, then digit fields."""

    banks: tuple[str, ...]
    branch_digits: int
    account_digits: int


IBAN_FORMATS: dict[str, IbanBank] = {
    "GB": IbanBank(("NWBK", "BARC", "LOYD", "HBUK", "MIDL", "COUT"), 6, 8),
    "IE": IbanBank(("AIBK", "BOFI"), 6, 8),
    "FR": IbanBank(("30004", "30003", "30002", "10107", "20041"), 5, 13),
    "IT": IbanBank(("X03069", "X02008", "X05034"), 5, 12),
    "DE": IbanBank(("10070000", "20050550", "37040044", "50010517"), 0, 10),
    "ES": IbanBank(("2100", "0049", "0182"), 6, 10),
    "NL": IbanBank(("ABNA", "INGB", "RABO", "TRIO"), 0, 10),
    "CH": IbanBank(("00762", "00230", "00700"), 0, 12),
    "BE": IbanBank(("068", "310", "001"), 0, 9),
    "AT": IbanBank(("12000", "20111", "32000"), 0, 11),
}


def iban_check_digits(country: str, bban: str) -> str:
    """The two ISO 13616 check digits (mod 97) for ``bban`` in ``country``."""
    rearranged = bban + country + "00"
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(digits) % 97:02d}"


def iban(country: str, serial_no: int, salt: int) -> str:
    """A mod-97-valid IBAN (compact, upper case), distinct for every distinct serial.

    Bank and branch codes look national; the national check digits inside some BBANs (French
    RIB key, Italian CIN, Spanish DC) are not computed, only the IBAN's own check digits are.
    """
    fmt = IBAN_FORMATS.get(country, IBAN_FORMATS["GB"])
    country = country if country in IBAN_FORMATS else "GB"
    account = str(_permute(serial_no, 10**fmt.account_digits, salt + 3)).zfill(fmt.account_digits)
    bank = fmt.banks[serial_no % len(fmt.banks)]
    branch = str((serial_no * 7_919 + salt) % 10**fmt.branch_digits).zfill(fmt.branch_digits)
    bban = bank + (branch if fmt.branch_digits else "") + account
    return country + iban_check_digits(country, bban) + bban


def iban_valid(value: str) -> bool:
    """True when ``value`` (spaces allowed) passes the IBAN mod-97 check."""
    compact = value.replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def iban_print(value: str) -> str:
    """The IBAN in its printed form, groups of four ("GB33 BUKB 2020 ...")."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def us_payout(serial_no: int, salt: int) -> str:
    """A US payout account (ABA routing and account number): the US has no IBAN."""
    account = str(_permute(serial_no, 10**10, salt + 4)).zfill(10)
    routing = ("021000021", "026009593", "121000358")[serial_no % 3]
    return f"ABA {routing} ACCT {account}"


# Finding kinds of the scanner contract -> identifier kinds (``sidedeal.identifiers``); the demo's
# labels also name payout accounts, which the scanner reports as payments.
_IDENTIFIER_KIND = {
    "phone": "phone",
    "email": "email",
    "url": "domain",
    "handle": "handle",
    "payout": "payout",
}


def canonical(kind: str, value: str) -> str:
    """``value`` in the project's normalised form, as ingest and the scanner will store it.

    Labels must compare equal to what the pipeline produces, so they go through the one module
    that normalises identifiers (gmail dots dropped, domains reduced to the registrable name,
    IBANs compacted). Cues and payment methods are category names and pass through.
    """
    if kind == "payment" and value.startswith("iban:"):
        found = normalise("iban", value[5:])
        return f"iban:{found.value}" if found else value
    target = _IDENTIFIER_KIND.get(kind)
    if target is None:
        return value
    found = normalise(target, value)
    return found.value if found else value
