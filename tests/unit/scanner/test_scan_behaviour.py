"""What an investigator relies on, case by case: each test is a behaviour a user would notice."""

from __future__ import annotations

import pytest

from sidedeal.identifiers.normalisers import Identifier
from sidedeal.scanner import Finding, finding_identifier, scan


def values(text: str, country: str | None = "GB", **kwargs: object) -> set[tuple[str, str]]:
    return {(f.kind, f.value) for f in scan(text, country, **kwargs)}


@pytest.mark.parametrize(
    ("text", "country", "e164"),
    [
        ("ring me, oh seven nine one one, one two three, four five six", "GB", "+447911123456"),
        ("oh seven nine double eight, triple four, one two three", "GB", "+447988444123"),
        ("zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "FR", "+33612345678"),
        ("zéro six, quatre-vingt-un, soixante et onze, dix-neuf, vingt", "FR", "+33681711920"),
        ("tre quattro sette, uno due tre, quattro cinque sei sette", "IT", "+393471234567"),
        ("null eins fünf eins, dreiundzwanzig, fünfundvierzig, siebenundsechzig, neunundachtzig",
         "DE", "+4915123456789"),
        ("seis cincuenta y cinco, cuarenta y cuatro, treinta y tres, veintidós", "ES",
         "+34655443322"),
        ("nul zes, zevenentachtig, vierenzestig, drieënvijftig, eenentwintig", "NL", "+31687645321"),
        ("07911 dash 123 dash 456", "GB", "+447911123456"),
        ("0 7 9 1 1 - 1 2 3 4 5 6", "GB", "+447911123456"),
        ("O79l1 l23456", "GB", "+447911123456"),
        ("call 2one2 5five5 0one4seven", "US", "+12125550147"),
        ("\uff10\uff17\uff19\uff11\uff11 \uff11\uff12\uff13\uff14\uff15\uff16", "GB", "+447911123456"),
        ("0️⃣7️⃣9️⃣1️⃣1️⃣ 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣", "GB", "+447911123456"),
        ("07\u200b911\u200c 123\u200d456", "GB", "+447911123456"),
        ("\u0660\u0665\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667", "AE", "+971501234567"),
        ("+44 (0)20 7946 0321", None, "+442079460321"),
        ("plus four four seven nine one one one two three four five six", None, "+447911123456"),
    ],
)  # fmt: skip
def test_phone_obfuscations(text: str, country: str | None, e164: str) -> None:
    assert ("phone", e164) in values(text, country)


@pytest.mark.parametrize(
    "text",
    [
        "The sideboard is 120 x 45 x 76 cm, circa 1780-1800.",
        "Order #200045678 shipped; tracking 1Z 999 AA1 01 2345 6784.",
        "GIA report 2141438167, 1.52 ct.",
        "Serial 79112345678 engraved on the bezel.",
        "Invoice no. 44 7911 123456 from the restorer.",
        "£7,911,234 was the record; € 612 345 678 is the insurance value.",
        "Dates: 12.03.2024 and 2019-03-14 work for viewing.",
        "Numéro de commande : 06 12 34 56 78",
        "Rechnungsnummer 0151 2345 6789",
        "FedEx: 35 3396 9576",
        "VAT reg. DE 522306646",
    ],
)
def test_numbers_that_only_look_like_phones(text: str) -> None:
    found = values(text, "DE" if "DE" in text or "nummer" in text else "GB")
    assert not [v for v in found if v[0] == "phone"]


def test_span_points_at_the_original_text_and_covers_invisible_characters() -> None:
    text = "call 0️⃣7️⃣9️⃣1️⃣1️⃣ 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣ now"
    (phone,) = [f for f in scan(text, "GB") if f.kind == "phone"]
    assert text[phone.start : phone.end] == "0️⃣7️⃣9️⃣1️⃣1️⃣ 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣"
    assert phone.rule == "phone.unicode"


def test_international_number_highlight_includes_plus() -> None:
    text = "WhatsApp: +33 6 12 34 56 78"
    (phone,) = [f for f in scan(text, "FR") if f.kind == "phone"]
    assert text[phone.start : phone.end] == "+33 6 12 34 56 78"


def test_country_is_the_default_region() -> None:
    assert ("phone", "+33612345678") in values("06 12 34 56 78", "FR")
    assert ("phone", "+31612345678") in values("06 12345678", "NL")
    assert not [v for v in values("06 12 34 56 78", None) if v[0] == "phone"]


def test_chat_app_number_is_a_phone_not_a_handle_and_names_the_channel() -> None:
    found = values("Add me on WhatsApp +44 7458 102938")
    assert ("phone", "+447458102938") in found
    assert not [v for v in found if v[0] == "handle"]
    assert ("cue", "circumvention") in found


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("Quicker on Telegram: @vintagewatches_uk", "telegram:vintagewatches_uk"),
        ("My WeChat ID is lux_antiques88", "wechat:lux_antiques88"),
        ("find me on insta @georgian.silver.co", "instagram:georgian.silver.co"),
        ("Signal: jsmith.42", "signal:jsmith.42"),
        ("skype: live:hrh_antiques", "skype:live:hrh_antiques"),
        ("LINE ID kyoto_lacquer", "line:kyoto_lacquer"),
        ("snap me, watchguy_22", "snapchat:watchguy_22"),
        ("messenger me at m.me/galerie.lumiere", "facebook:galerie.lumiere"),
        ("see instagram.com/atelier_verre", "instagram:atelier_verre"),
        ("Viber: antik.weber", "viber:antik.weber"),
        ("@oldhall_antiques", "unknown:oldhall_antiques"),
    ],
)
def test_handles(text: str, handle: str) -> None:
    assert ("handle", handle) in values(text)


def test_ordinary_words_after_an_app_name_are_not_handles() -> None:
    for text in ["whatsapp only please", "Signal me tomorrow", "The signal red lacquer",
                 "Snap clasp works", "the line of the bracelet", "an old telegram from 1926"]:  # fmt: skip
        assert not [v for v in values(text) if v[0] == "handle"], text


def test_urls_and_platform_domains() -> None:
    found = values("see https://www.Shop.example.co.uk/x and sidedeal-market.com/l/88231")
    assert found == {("url", "example.co.uk")}
    custom = values(
        "buy at mymarket.example/l/1 or galerie.fr", platform_domains=["mymarket.example"]
    )
    assert custom == {("url", "galerie.fr")}
    # Sentences run together are not domains.
    assert values("Wife.how she knew. I am home.love u. pain.it will pass") == set()


def test_email_domain_is_not_also_a_url_and_gmail_is_canonical() -> None:
    assert values("write to J.Smith+x@gmail.com") == {("email", "jsmith@gmail.com")}


def test_payment_details_and_methods() -> None:
    found = values("IBAN GB82 WEST 1234 5698 7654 32, or PayPal friends and family")
    assert found >= {
        ("payment", "iban:GB82WEST12345698765432"),
        ("payment", "wire_direct"),
        ("payment", "paypal_ff"),
    }
    assert ("payment", "paypal") not in found  # friends and family is one method
    assert ("payment", "sortcode:200000:12345678") in values("sort code 20-00-00 account 12345678")
    assert ("payment", "cash_on_collection") in values("cash on collection only")
    assert not [v for v in values("IBAN GB82 WEST 1234 5698 7654 31") if v[1].startswith("iban:")]


def test_paying_through_the_checkout_is_not_a_payment_cue() -> None:
    assert values("We paid by bank transfer through the site's escrow, all fine.") == set()
    assert values("Pay through the checkout as normal, I'll ship tomorrow.") == set()
    assert values("I'd rather not use PayPal; the checkout here is fine.") == set()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Can we do this outside the platform?", "circumvention"),
        ("we both avoid the commission", "fee_avoidance"),
        ("I'll invoice you directly", "direct_invoice"),
        ("What's your number?", "solicitation"),
        ("send me your whatsapp", "solicitation"),
        ("On peut conclure hors plateforme", "circumvention"),
        ("Possiamo evitare le commissioni", "fee_avoidance"),
        ("Ich stelle Ihnen direkt eine Rechnung aus", "direct_invoice"),
        ("¿Me pasas tu número?", "solicitation"),
        ("We kunnen het buiten het platform om doen", "circumvention"),
    ],
)
def test_cues_in_six_languages(text: str, category: str) -> None:
    assert ("cue", category) in values(text)


def test_everyday_trade_words_are_not_cues() -> None:
    for text in [
        "Commissioned in 1887 for the Duke of Westminster.",
        "What's the serial number on the movement?",
        "Outside diameter 39 mm, direct from the artist's estate.",
        "I only sell through the platform, sorry.",
        "Please don't send phone numbers here.",
    ]:
        assert values(text) == set(), text


def test_finding_identifier_and_to_dict() -> None:
    phone = Finding("phone", "+447911123456", 0, 12, 0.9, "phone.digits")
    assert finding_identifier(phone) == Identifier("phone", "+447911123456")
    assert finding_identifier(Finding("phone", "87121", 0, 5, 0.4, "phone.shortcode")) is None
    assert finding_identifier(Finding("url", "example.co.uk", 0, 5, 0.9, "url.link")) == Identifier(
        "domain", "example.co.uk"
    )
    iban = Finding("payment", "iban:GB82WEST12345698765432", 0, 5, 0.9, "payment.iban")
    assert finding_identifier(iban) == Identifier("iban", "GB82WEST12345698765432")
    payout = Finding("payment", "paypal.me:rpatel", 0, 5, 0.9, "payment.paypal_me")
    assert finding_identifier(payout) == Identifier("payout", "paypal.me:rpatel")
    assert finding_identifier(Finding("payment", "zelle", 0, 5, 0.8, "payment.zelle")) is None
    assert finding_identifier(Finding("cue", "solicitation", 0, 5, 0.8, "cue.solicitation")) is None
    assert phone.to_dict() == {
        "kind": "phone", "value": "+447911123456", "start": 0, "end": 12, "confidence": 0.9,
        "rule": "phone.digits",
    }  # fmt: skip


def test_message_phone_meets_profile_phone() -> None:
    """The reason identifiers.py exists: one node for the same phone from a message and a profile."""
    from sidedeal.identifiers import normalise

    (found,) = [f for f in scan("ring oh seven nine one one, one two three four five six", "GB")]
    assert finding_identifier(found) == normalise("phone", "+44 7911 123456")
