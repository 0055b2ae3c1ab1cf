"""Every identifier kind, declared once, as data (in the spirit of followthemoney's type registry).

An identifier is a contact value that links accounts: the phone in a seller's profile and the same
phone typed in a buyer's message become one ``Identifier`` node. Each :class:`Kind` says how its
values are normalised, shown to a viewer, found by search, produced by the scanner, and what it
means to the analysis (a contact detail exchanged in a message? a place money goes?). Ingest,
the scanner, the analysis, masking and search all read this table; none keeps a list of its own.

Adding a kind is one entry here, its weights in ``sidedeal/analysis/weights.toml`` (``[links.kind]``
and, for a contact detail, ``[pair.contact_kind]``), and, if messages should be read for it, a
scanner detector whose findings a :class:`FindingSource` below maps to it. ``tests/unit/
identifiers/test_registry.py`` fails when a kind lacks any of these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sidedeal.identifiers import masks
from sidedeal.identifiers import normalisers as n
from sidedeal.identifiers import recognisers as r
from sidedeal.identifiers.normalisers import Identifier

Normaliser = Callable[[str, str | None], Identifier | None]


@dataclass(frozen=True)
class FindingSource:
    """Scanner findings that stand for this kind: ``finding`` is the scanner's kind (phone, email,
    url, handle, payment), ``prefix`` the start of its value (``iban:``, ``paypal.me:``), and
    ``strip`` whether the prefix is dropped before the value is read as this kind (an IBAN is an
    IBAN; a PayPal.me account keeps its scheme: ``payout:paypal.me:rpatel``)."""

    finding: str
    prefix: str = ""
    strip: bool = False


@dataclass(frozen=True)
class Kind:
    """One identifier kind.

    ``contact``: written in a message, it is a contact (or payment) detail exchanged between the
    pair, so it weighs on the pair's score by ``[pair.contact_kind]``. ``exchange``: writing it
    down is the moment a pair moved to dealing directly (a shop's public website is a contact
    detail, but not that moment). ``payout``: a place money goes; two sellers sharing one is
    one purse. ``contract``: the names the data contract uses for it (the ``contacts`` file's
    ``kind`` column; ``website`` for a domain). ``from_finding`` reads a finding's value (after
    ``FindingSource.strip``) as this kind, ``None`` for what links no account (a short code).
    """

    name: str
    label: str
    normalise: Normaliser
    mask: Callable[[str], str]
    search: r.Search
    contact: bool = False
    exchange: bool = False
    payout: bool = False
    contract: tuple[str, ...] = ()
    findings: tuple[FindingSource, ...] = ()
    from_finding: Callable[[str], Identifier | None] | None = None

    @property
    def masked(self) -> bool:
        """Whether a viewer sees this kind's values masked."""
        return self.mask is not masks.keep


def _phone_finding(value: str) -> Identifier | None:
    # A short code ("text STOP to 87121") is a service, not an account: it links nobody.
    return Identifier("phone", value, True) if value.startswith("+") else None


KINDS: tuple[Kind, ...] = (
    Kind(
        "phone", "phone number",
        lambda text, country: n.normalise_phone(text, country),
        masks.phone, r.PHONE, contact=True, exchange=True, contract=("phone",),
        findings=(FindingSource("phone"),), from_finding=_phone_finding,
    ),
    Kind(
        "email", "email address",
        lambda text, _: n.normalise_email(text),
        masks.email, r.EMAIL, contact=True, exchange=True, contract=("email",),
        findings=(FindingSource("email"),),
        from_finding=lambda value: Identifier("email", value, True),
    ),
    Kind(
        "handle", "messaging or social handle",
        lambda text, _: n.normalise_handle_text(text),
        masks.prefixed, r.HANDLE, contact=True, exchange=True, contract=("handle",),
        findings=(FindingSource("handle"),),
        from_finding=lambda value: Identifier("handle", value, True),
    ),
    Kind(
        "iban", "bank account (IBAN)",
        lambda text, _: n.normalise_iban(text),
        masks.iban, r.IBAN, contact=True, exchange=True, payout=True, contract=("iban",),
        findings=(FindingSource("payment", "iban:", strip=True),), from_finding=n.normalise_iban,
    ),
    Kind(
        "payout", "payout account",
        lambda text, _: n.normalise_payout(text),
        masks.prefixed, r.PAYOUT, contact=True, exchange=True, payout=True, contract=("payout",),
        findings=tuple(
            FindingSource("payment", prefix)
            for prefix in ("sortcode:", "paypal.me:", "btc:", "eth:")
        ),
        from_finding=lambda value: Identifier("payout", value, True),
    ),
    Kind(
        "domain", "website",
        lambda text, _: n.normalise_domain(text),
        masks.keep, r.DOMAIN, contact=True, contract=("website",),
        findings=(FindingSource("url"),), from_finding=n.normalise_domain,
    ),
    Kind(
        "ip", "IP address",
        lambda text, _: n.normalise_ip(text),
        masks.ip, r.IP, contract=("ip",),
    ),
    Kind(
        "device", "device id",
        lambda text, _: n.normalise_plain("device", text),
        masks.generic, r.plain("device"), contract=("device",),
    ),
    Kind(
        "address", "postal address",
        lambda text, _: n.normalise_plain("address", text),
        masks.generic, r.plain("address", auto=r.address_like), contract=("address",),
    ),
)  # fmt: skip

BY_NAME: Mapping[str, Kind] = {kind.name: kind for kind in KINDS}
# Contract names and the identifier kinds' own names (callers holding a typed value need no map).
_BY_ANY_NAME: Mapping[str, Kind] = {
    **{alias: kind for kind in KINDS for alias in kind.contract},
    **{"url": BY_NAME["domain"]},
    **BY_NAME,
}


def kind(name: str) -> Kind:
    """The kind called ``name`` (an identifier kind, or a contract name such as ``website``).

    Raises ``ValueError`` naming the accepted names.
    """
    found = _BY_ANY_NAME.get(name.strip().lower())
    if found is None:
        raise ValueError(
            f"unknown identifier kind {name!r}; expected one of {', '.join(sorted(_BY_ANY_NAME))}"
        )
    return found


def names(*, contact: bool | None = None, payout: bool | None = None) -> tuple[str, ...]:
    """Kind names, optionally only those that are (or are not) contact / payout details."""
    return tuple(
        k.name
        for k in KINDS
        if (contact is None or k.contact == contact) and (payout is None or k.payout == payout)
    )


def contract_names() -> frozenset[str]:
    """What the ``contacts`` file's ``kind`` column accepts."""
    return frozenset(alias for k in KINDS for alias in k.contract)


def normalise(kind_name: str, raw: str | None, country: str | None = None) -> Identifier | None:
    """Normalise ``raw`` as the kind called ``kind_name``; ``None`` when it is empty after trimming.

    ``country`` (ISO alpha-2) is the account's country, the default region for phones. Raises
    ``ValueError`` naming the accepted kinds when ``kind_name`` is none of them.
    """
    target = kind(kind_name)
    if raw is None:
        return None
    text = raw.strip()
    return target.normalise(text, country) if text else None


@lru_cache(maxsize=64)
def _source(finding: str, value_start: str) -> tuple[Kind, FindingSource] | None:
    for k in KINDS:
        for source in k.findings:
            if source.finding == finding and value_start.startswith(source.prefix):
                return k, source
    return None


def _source_of(finding: str, value: str) -> tuple[Kind, FindingSource] | None:
    # Prefixes are short schemes ("paypal.me:"): the value's head up to its first colon decides.
    head = value[: value.find(":") + 1] if ":" in value else ""
    return _source(finding, head)


def identifier_of_finding(finding: str, value: str) -> Identifier | None:
    """The identifier a scanner finding (``finding`` kind, normalised ``value``) stands for, or
    ``None`` for what links no accounts (cues, payment methods, short codes)."""
    found = _source_of(finding, value)
    if found is None:
        return None
    k, source = found
    if k.from_finding is None:
        return None
    return k.from_finding(value[len(source.prefix) :] if source.strip else value)


def finding_is_masked(finding: str, value: str) -> bool:
    """Whether a finding's span in a message is a contact value a viewer must not read."""
    found = _source_of(finding, value)
    return found is not None and found[0].masked


def mask_finding(finding: str, value: str) -> str:
    """A finding's value as a viewer sees it (``iban:GB82****5432``); cues stay as they are."""
    found = _source_of(finding, value)
    if found is None or not found[0].masked:
        return value
    k, source = found
    if source.strip:
        return source.prefix + k.mask(value[len(source.prefix) :])
    return k.mask(value)


@lru_cache(maxsize=65536)
def mask_value(kind_name: str, value: str) -> str:
    """A normalised value as a viewer sees it; unchanged for kinds that are public, and for
    names that are no identifier kind."""
    found = BY_NAME.get(kind_name)
    return found.mask(value) if found is not None else value


def mask_key(key: str) -> str:
    """``phone:+447911123456`` -> ``phone:+44 79** ***456``; strings that are no key stay."""
    kind_name, sep, value = key.partition(":")
    if not sep or kind_name not in BY_NAME:
        return key
    return f"{kind_name}:{mask_value(kind_name, value)}"


def known_values(keys: Iterable[str]) -> dict[str, str]:
    """Value -> masked value for the masked identifier keys among ``keys`` (others skipped)."""
    out: dict[str, str] = {}
    for key in keys:
        kind_name, sep, value = key.partition(":")
        found = BY_NAME.get(kind_name)
        if sep and value and found is not None and found.masked:
            out[value] = found.mask(value)
    return out


def describe() -> list[dict[str, Any]]:
    """The kinds as plain data, for other tools (``GET /identifier-kinds``): ``findings`` lists
    the scanner findings that stand for the kind (``payment`` values starting ``iban:``...)."""
    return [
        {
            "name": k.name,
            "label": k.label,
            "contact": k.contact,
            "payout": k.payout,
            "masked": k.masked,
            "contract": list(k.contract),
            "findings": [{"kind": s.finding, "value_prefix": s.prefix} for s in k.findings],
        }
        for k in KINDS
    ]
