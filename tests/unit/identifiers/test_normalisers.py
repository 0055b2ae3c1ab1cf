"""Identifier normalisation: the one module that decides when two contact values are the same."""

from __future__ import annotations

import pytest

from sidedeal.identifiers import names, normalise
from sidedeal.identifiers.normalisers import (
    Identifier,
    iban_valid,
    normalise_domain,
    normalise_email,
    normalise_handle,
    normalise_iban,
    normalise_phone,
)


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("07911 123456", "GB", "+447911123456"),
        ("+44 (0)7911 123456", None, "+447911123456"),
        ("0044 7911 123456", "FR", "+447911123456"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("347 123 4567", "IT", "+393471234567"),
        ("(646) 555-0123", "US", "+16465550123"),
        ("07911 123456", "uk", "+447911123456"),  # "UK" is what people write for GB
        ("٠٥٠١٢٣٤٥٦٧", "AE", "+971501234567"),  # Arabic-Indic digits
    ],
)
def test_phone_to_e164_with_the_account_country_as_default(
    raw: str, country: str | None, expected: str
) -> None:
    ident = normalise_phone(raw, country)
    assert ident == Identifier("phone", expected, True)
    assert ident.key == f"phone:{expected}"


def test_same_number_typed_differently_is_one_identifier() -> None:
    forms = ["07911 123456", "+44 7911 123456", "0044-7911-123-456", "+447911123456"]
    assert {normalise("phone", form, "GB") for form in forms} == {
        Identifier("phone", "+447911123456")
    }


def test_invalid_phone_is_kept_as_digits_flagged_invalid() -> None:
    # The neo4j demo data's fictional numbers: they must still link the accounts that share them.
    ident = normalise_phone("+1-555-6768", "US")
    assert ident == Identifier("phone", "+15556768", valid=False)
    assert normalise_phone("+1 555 6768") == ident
    assert normalise_phone("555-6768", "US") == Identifier("phone", "5556768", valid=False)
    assert normalise_phone("n/a") == Identifier("phone", "n/a", valid=False)


def test_national_number_without_country_is_not_guessed() -> None:
    assert normalise_phone("07911 123456") == Identifier("phone", "07911123456", valid=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("J.Smith+antiques@GoogleMail.com", "jsmith@gmail.com"),
        (" j.s.m.i.t.h@gmail.com ", "jsmith@gmail.com"),
        ("hannah.reeve+shop@outlook.com", "hannah.reeve@outlook.com"),
        ("alex+x@icloud.com", "alex@icloud.com"),
        ("k.lambert+a@proton.me", "k.lambert@proton.me"),
        ("first.last+tag@example.co.uk", "first.last+tag@example.co.uk"),  # no documented rule
        ("mailto:Info@Galerie.FR", "info@galerie.fr"),
    ],
)
def test_email_lower_case_and_canonical(raw: str, expected: str) -> None:
    assert normalise_email(raw) == Identifier("email", expected, True)


@pytest.mark.parametrize("raw", ["no-at-sign.example.com", "a@b@example.com", "x@localhost"])
def test_malformed_email_is_kept_invalid(raw: str) -> None:
    ident = normalise_email(raw)
    assert ident is not None and ident.kind == "email" and not ident.valid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Shop.example.co.uk/x?y=1", "example.co.uk"),
        ("example.com", "example.com"),
        ("http://user@sub.galerie-dupont.fr:8080/stock", "galerie-dupont.fr"),
        ("WWW.CHRONO24.COM", "chrono24.com"),
        ("shop.example.com.au", "example.com.au"),
    ],
)
def test_website_to_registrable_domain(raw: str, expected: str) -> None:
    assert normalise("website", raw) == Identifier("domain", expected, True)


def test_domain_without_public_suffix_is_invalid() -> None:
    assert normalise_domain("intranet.zz") == Identifier("domain", "intranet.zz", valid=False)
    assert normalise_domain("localhost") == Identifier("domain", "localhost", valid=False)


def test_iban_mod_97() -> None:
    assert normalise_iban("gb82 west 1234 5698 7654 32") == Identifier(
        "iban", "GB82WEST12345698765432", True
    )
    assert normalise_iban("IBAN: DE89 3704 0044 0532 0130 00") == Identifier(
        "iban", "DE89370400440532013000", True
    )
    assert normalise_iban("GB82 WEST 1234 5698 7654 31") == Identifier(
        "iban", "GB82WEST12345698765431", valid=False
    )  # one digit off
    assert not iban_valid("GB82WEST123456987654")  # too short for GB
    assert iban_valid("NL91ABNA0417164300")


def test_payout_iban_becomes_an_iban_identifier_and_other_payouts_are_plain() -> None:
    assert normalise("payout", "NL91 ABNA 0417 1643 00") == Identifier(
        "iban", "NL91ABNA0417164300", True
    )
    assert normalise("payout", "  PayPal:  R.Patel  ") == Identifier("payout", "paypal: r.patel")


def test_handles() -> None:
    assert normalise_handle("Instagram", "@J.Smith") == Identifier("handle", "instagram:j.smith")
    assert normalise_handle("insta", "j.smith") == Identifier("handle", "instagram:j.smith")
    assert normalise_handle("Messenger", "galerie.lumiere") == Identifier(
        "handle", "facebook:galerie.lumiere"
    )
    assert normalise("handle", "telegram:@Uhren_Berlin") == Identifier(
        "handle", "telegram:uhren_berlin"
    )
    assert normalise_handle("wechat", "  ") is None


def test_ip_device_address_are_trimmed_and_case_folded() -> None:
    assert normalise("ip", " 2001:DB8:0:0::1 ") == Identifier("ip", "2001:db8::1")
    assert normalise("ip", "not an ip") == Identifier("ip", "not an ip", valid=False)
    assert normalise("device", "  iPhone  15\tPro ") == Identifier("device", "iphone 15 pro")
    assert normalise("address", "12  Rue de   RIVOLI\n Paris") == Identifier(
        "address", "12 rue de rivoli paris"
    )


def test_blank_values_give_none_and_unknown_kinds_raise() -> None:
    assert normalise("phone", None) is None
    assert normalise("email", "   ") is None
    with pytest.raises(ValueError, match="fax"):
        normalise("fax", "020 7946 0321")


def test_every_returned_kind_is_a_graph_kind() -> None:
    samples = {
        "phone": "07911 123456",
        "email": "a@b.com",
        "website": "b.com",
        "ip": "10.0.0.1",
        "device": "d1",
        "payout": "x",
        "address": "1 High St",
        "iban": "GB82WEST12345698765432",
        "handle": "line:x",
        "domain": "b.com",
    }
    for kind, raw in samples.items():
        ident = normalise(kind, raw, "GB")
        assert ident is not None and ident.kind in names()
