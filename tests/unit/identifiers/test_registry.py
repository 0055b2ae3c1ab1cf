"""The identifier registry: every kind is complete (weights, a mask, a search path, findings), and
the modules that used to keep their own lists now agree with it.

Adding a kind to ``sidedeal/identifiers/registry.py`` makes these tests name what it still lacks:
a sample below, its weights in ``weights.toml``, a mask that hides it, a search that finds it.
"""

from __future__ import annotations

import tomllib

import pytest

from sidedeal.analysis import pairs
from sidedeal.analysis.config import DEFAULT_FILE, Weights, load_weights
from sidedeal.analysis.sellers import PAYOUT_KINDS
from sidedeal.casework.masking import is_contact_finding, mask_finding_value
from sidedeal.casework.search import identifier_keys, modes
from sidedeal.identifiers import KINDS, identifier_of_finding, kind, names, normalise
from sidedeal.identifiers.registry import contract_names
from sidedeal.ingest.contract import CONTACT_KINDS

# One raw value per kind, as a person would type it: the tests below read each through its kind.
SAMPLES: dict[str, str] = {
    "phone": "+44 7911 123456",
    "email": "J.Hartley@Gmail.com",
    "handle": "telegram:@Hartley_W",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "payout": "ABA 021000021 ACCT 1234567890",
    "domain": "https://www.durand-antiques.fr/shop",
    "ip": "203.0.113.7",
    "device": "A1B2-C3D4-E5F6",
    "address": "12 Rue de Rivoli, Paris",
}
# Kinds whose values are public: a shop's registrable domain is on its shop front.
PUBLIC = {"domain"}
# Kinds a free-text query cannot be recognised as (only searched when asked for by name).
NO_AUTO = {"device"}


def test_every_kind_has_a_sample_here() -> None:
    assert sorted(SAMPLES) == sorted(names()), "add a sample value for the new kind"


@pytest.mark.parametrize("name", names())
def test_every_kind_normalises_its_sample(name: str) -> None:
    ident = normalise(name, SAMPLES[name])
    assert ident is not None and ident.kind == name and ident.valid


@pytest.mark.parametrize("name", names())
def test_every_kind_is_masked_for_viewers_unless_public(name: str) -> None:
    ident = normalise(name, SAMPLES[name])
    assert ident is not None
    masked = kind(name).mask(ident.value)
    if name in PUBLIC:
        assert masked == ident.value and not kind(name).masked
    else:
        assert masked != ident.value and kind(name).masked
        # A masked value never shows the whole of the value's longest run of letters or digits.
        assert "*" in masked


@pytest.mark.parametrize("name", names())
def test_every_kind_can_be_searched(name: str) -> None:
    ident = normalise(name, SAMPLES[name])
    assert ident is not None
    assert ident.key in identifier_keys(SAMPLES[name], name, ["GB"])
    if name not in NO_AUTO:
        assert name in modes(SAMPLES[name], "auto"), f"{name} not recognised by kind=auto"


def test_the_shipped_weights_weigh_every_kind() -> None:
    weights = load_weights()
    assert set(weights.links.kind) == set(names())
    assert set(weights.pair.contact_kind) == set(names(contact=True))


def test_weights_missing_a_kind_are_refused_naming_it() -> None:
    data = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    del data["links"]["kind"]["payout"]
    data["pair"]["contact_kind"]["fax"] = 1.0
    with pytest.raises(ValueError) as caught:
        Weights.model_validate(data)
    message = str(caught.value)
    assert "[links.kind]" in message and "missing payout" in message
    assert "[pair.contact_kind]" in message and "unknown fax" in message


@pytest.mark.parametrize("name", names())
def test_findings_map_to_their_kind(name: str) -> None:
    for source in kind(name).findings:
        value = source.prefix + ("GB82WEST12345698765432" if source.strip else "+447911123456")
        if source.finding == "email":
            value = "jhartley@gmail.com"
        if source.finding == "url":
            value = "durand-antiques.fr"
        if source.finding == "handle":
            value = "telegram:hartley_w"
        ident = identifier_of_finding(source.finding, value)
        assert ident is not None and ident.kind == name
        assert is_contact_finding({"kind": source.finding, "value": value}) == kind(name).masked


def test_payout_findings_are_contact_details_of_the_pair_stage() -> None:
    """The lists used to disagree: a payout in a message was not a contact for the pair stage."""
    payout = identifier_of_finding("payment", "paypal.me:rpatel")
    assert payout is not None and payout.kind == "payout"
    assert payout.kind in pairs.CONTACT_KINDS
    assert {"iban", "payout"} == set(PAYOUT_KINDS)
    masked = mask_finding_value({"kind": "payment", "value": "paypal.me:rpatel"})
    assert masked == "paypal.me:r***"
    assert mask_finding_value({"kind": "payment", "value": "zelle"}) == "zelle"
    assert identifier_of_finding("payment", "zelle") is None
    assert identifier_of_finding("phone", "87121") is None  # a short code links nobody


def test_contract_kinds_come_from_the_registry() -> None:
    assert contract_names() == CONTACT_KINDS
    assert {"phone", "email", "website", "ip", "device", "payout", "address"} <= CONTACT_KINDS
    assert kind("website").name == "domain"
    with pytest.raises(ValueError, match="unknown identifier kind 'fax'"):
        kind("fax")


def test_kinds_have_unique_names_and_labels() -> None:
    assert len({k.name for k in KINDS}) == len(KINDS)
    assert len({k.label for k in KINDS}) == len(KINDS)
