"""Planted contact details: how people who want to leave the platform actually write them.

Each ``plant_*`` function returns a :class:`Planted` text together with the findings a perfect
scanner should report for it (``(kind, value)`` in the normalised forms of DESIGN.md: phone in
E.164, email in lower case, handle ``platform:name``, url as the domain, payment ``iban:...`` or
a method, cue as its category). The renderings are the evasions the scanner issue lists:
national and international formats, digits spaced or dotted or split by words, digits spelled
out in the conversation's language, fullwidth and keycap-emoji digits, ``O``/``l`` for 0/1,
zero-width spaces between digits, ``name [at] domain [dot] com`` and friends, Cyrillic look-alike
letters in a domain, ``wa.me`` links, Instagram and Telegram handles.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import phonenumbers

from sidedeal.demo.identities import iban_print

Finding = tuple[str, str]

DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "it": ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "nl": ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),
}
PLUS_WORD = {"en": "plus", "fr": "plus", "it": "più", "de": "plus", "es": "más", "nl": "plus"}
_CYRILLIC = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e"})
THEN_WORD = {"en": "and then", "fr": "puis", "it": "poi", "de": "dann", "es": "luego", "nl": "dan"}
AT_DOT: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("at", "dot"),),
    "fr": (("arobase", "point"), ("at", "point")),
    "it": (("chiocciola", "punto"), ("at", "punto")),
    "de": (("at", "punkt"), ("ät", "punkt")),
    "es": (("arroba", "punto"),),
    "nl": (("apenstaartje", "punt"), ("at", "punt")),
}
PHONE_STYLES = (
    "zerowidth",
    "national",
    "international",
    "e164",
    "spaced",
    "dotted",
    "words",
    "mixed",
    "fullwidth",
    "keycap",
    "letters",
    "split",
)
EMAIL_STYLES = (
    "plain",
    "capitalised",
    "brackets",
    "parens",
    "words",
    "braces",
    "spaced",
    "upper",
    "homoglyph",
)


@dataclass(frozen=True)
class Planted:
    """A planted phrase and what a perfect scanner should find in it."""

    text: str
    findings: tuple[Finding, ...]
    styles: tuple[str, ...] = field(default=())


@cache
def phrases() -> dict[str, dict[str, Any]]:
    """The planted phrase tables of ``planted.toml``, by language."""
    text = resources.files(__package__).joinpath("planted.toml").read_text("utf-8")
    return tomllib.loads(text)


def _pick(
    rng: random.Random, lang: str, key: str, needs: str = ""
) -> tuple[str, tuple[Finding, ...]]:
    """A template of table ``key`` (containing ``needs``) and the findings of its own words."""
    table: list[Any] = phrases().get(lang, {}).get(key) or phrases()["en"][key]
    entries = [e for e in table if needs in (e if isinstance(e, str) else e[0])]
    entry = rng.choice(entries)
    if isinstance(entry, str):
        return entry, ()
    text, tags = entry
    return text, tuple((t.split(":", 1)[0], t.split(":", 1)[1]) for t in tags.split())


def _spell(rng: random.Random, digits: str, lang: str) -> str:
    words = DIGIT_WORDS.get(lang, DIGIT_WORDS["en"])
    out: list[str] = []
    i = 0
    while i < len(digits):
        d = digits[i]
        if lang == "en" and i + 1 < len(digits) and digits[i + 1] == d and rng.random() < 0.5:
            out.append(f"double {'oh' if d == '0' else words[int(d)]}")
            i += 2
            continue
        out.append("oh" if lang == "en" and d == "0" and rng.random() < 0.4 else words[int(d)])
        i += 1
    groups = [" ".join(out[j : j + 3]) for j in range(0, len(out), 3)]
    return ", ".join(groups)


def render_phone(
    rng: random.Random, e164: str, lang: str, style: str | None = None
) -> tuple[str, str]:
    """One rendering of a phone number; returns (text, style name)."""
    style = style or rng.choice(PHONE_STYLES)
    number = phonenumbers.parse(e164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    digits = "".join(ch for ch in national if ch.isdigit())
    if style == "international":
        fmt = phonenumbers.PhoneNumberFormat.INTERNATIONAL
        return phonenumbers.format_number(number, fmt), style
    if style == "e164":
        return e164, style
    if style == "spaced":
        cut = len(digits) // 2
        return " ".join(digits[:cut]) + " - " + " ".join(digits[cut:]), style
    if style == "dotted":
        return ".".join(digits[i : i + 2] for i in range(0, len(digits), 2)), style
    if style == "words":
        if rng.random() < 0.3:
            intl = e164[1:]
            return f"{PLUS_WORD.get(lang, 'plus')} {_spell(rng, intl, lang)}", style
        return _spell(rng, digits, lang), style
    if style == "mixed":
        cut = len(digits) // 2
        return f"{digits[:cut]} {_spell(rng, digits[cut:], lang)}", style
    if style == "fullwidth":
        return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in national), style
    if style == "keycap":
        sep = rng.choice(("", " "))
        return sep.join(f"{c}\ufe0f\u20e3" for c in digits), style
    if style == "letters" and ("0" in national or "1" in national):
        return national.replace("0", "O").replace("1", "l"), style
    if style == "zerowidth":
        # Zero-width spaces between the digits: invisible on screen, fatal to a plain regex.
        return "\u200b".join(digits), style
    if style == "split":
        cut = len(digits) // 2
        return f"{digits[:cut]} {THEN_WORD.get(lang, 'and then')} {digits[cut:]}", style
    return national, "national"


def render_email(
    rng: random.Random, email: str, lang: str, style: str | None = None
) -> tuple[str, str]:
    """One rendering of an email address; returns (text, style name)."""
    style = style or rng.choice(EMAIL_STYLES)
    local, domain = email.split("@", 1)
    if style == "capitalised":
        cap = ".".join(p.capitalize() for p in local.split("."))
        return f"{cap}@{domain.capitalize()}", style
    if style == "brackets":
        return f"{local} [at] {domain.replace('.', ' [dot] ')}", style
    if style == "parens":
        return f"{local}(at){domain.replace('.', '(dot)')}", style
    if style == "words":
        at, dot = rng.choice(AT_DOT.get(lang, AT_DOT["en"]))
        spoken = f" {at} ".join(f" {dot} ".join(part.split(".")) for part in (local, domain))
        return spoken, style
    if style == "braces":
        return f"{local}{{at}}{domain.replace('.', '{dot}')}", style
    if style == "spaced":
        return f"{local} @ {domain}", style
    if style == "homoglyph":
        # Cyrillic letters (U+0430, U+0435, U+043E) look identical to the Latin a, e, o.
        return f"{local}@{domain.translate(_CYRILLIC)}", style
    if style == "upper":
        return f"{local} AT {domain.replace('.', ' DOT ')}", style
    return email, "plain"


def plant_phone(rng: random.Random, lang: str, e164: str, via: str = "phone") -> Planted:
    """A phone number offered in a message; ``via`` is phone, whatsapp or signal.

    A number offered on a chat app also carries the template's circumvention cue.
    """
    if via == "whatsapp" and rng.random() < 0.35:
        template, extra = _pick(rng, lang, "whatsapp", "{wa}")
        text = template.format(wa=f"wa.me/{e164[1:]}")
        return Planted(text, (("phone", e164), *extra), ("wa.me",))
    shown, style = render_phone(rng, e164, lang)
    template, extra = _pick(rng, lang, via, "{phone}")
    return Planted(template.format(phone=shown), (("phone", e164), *extra), (style,))


def plant_email(rng: random.Random, lang: str, email: str) -> Planted:
    """An email address offered in a message, often obfuscated."""
    shown, style = render_email(rng, email, lang)
    template, extra = _pick(rng, lang, "email")
    return Planted(template.format(email=shown), (("email", email), *extra), (style,))


def plant_handle(rng: random.Random, lang: str, platform: str, handle: str) -> Planted:
    """A messaging handle (instagram, telegram, wechat) offered in a message."""
    template, extra = _pick(rng, lang, platform)
    found = ("handle", f"{platform}:{handle}")
    return Planted(template.format(handle=handle), (found, *extra), (platform,))


def plant_website(rng: random.Random, lang: str, domain: str) -> Planted:
    """The seller's own website, offered as a place to buy without the platform."""
    shown = rng.choice((domain, f"www.{domain}", f"https://{domain}", f"https://www.{domain}/shop"))
    template, extra = _pick(rng, lang, "website")
    return Planted(template.format(domain=shown), (("url", domain), *extra), ("url",))


def plant_iban(rng: random.Random, lang: str, iban: str) -> Planted:
    """Bank details for a direct transfer, in print form (groups of four) or compact."""
    shown = iban_print(iban) if rng.random() < 0.7 else iban
    template, extra = _pick(rng, lang, "iban")
    return Planted(template.format(iban=shown), (("payment", f"iban:{iban}"), *extra), ("iban",))


def plant_cue(rng: random.Random, lang: str, table: str = "cue", country: str = "") -> Planted:
    """An off-platform cue or payment method with no contact detail.

    ``table`` is ``cue`` (circumvention, payment outside), ``solicit`` (asking for the other
    side's contact) or ``regular`` (proposing to deal directly next time); US senders sometimes
    name Zelle or Venmo.
    """
    if table == "cue" and country == "US" and rng.random() < 0.3:
        lang, table = "en", "cue_us"
    text, findings = _pick(rng, lang, table)
    return Planted(text, findings, ("cue",))


def plain_line(rng: random.Random, lang: str, key: str) -> str:
    """A line with no finding from a planted table (``lead``, ``after``)."""
    return _pick(rng, lang, key)[0]


def viewing(rng: random.Random, lang: str, e164: str) -> Planted:
    """A phone shared to arrange a viewing: contact, but the sale then goes through checkout."""
    shown, style = render_phone(rng, e164, lang, rng.choice(("national", "international")))
    template, extra = _pick(rng, lang, "viewing")
    return Planted(template.format(phone=shown), (("phone", e164), *extra), (style,))


def plant_paypal(rng: random.Random, lang: str, email: str) -> Planted:
    """A PayPal "friends and family" request naming the account's email."""
    shown, style = render_email(rng, email, lang, rng.choice(("plain", "plain", "brackets")))
    template, extra = _pick(rng, lang, "paypal")
    return Planted(template.format(email=shown), (("email", email), *extra), (style,))
