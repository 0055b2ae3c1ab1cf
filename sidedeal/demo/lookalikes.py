"""Values that honest luxury-trade messages carry and that only *look* like contact details.

Dimensions ("120 x 45 x 76 cm"), prices ("CHF 125,000"), years and "circa 1780-1800", lot,
inventory, certificate (ten-digit GIA reports), serial, order, tracking, invoice and VAT numbers.
A scanner that calls these phones drowns investigators in false alarms; the generator sprinkles
them through clean messages and labels those messages as lookalike decoys.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from sidedeal.demo.catalogue import Item

SYMBOL = {"GBP": "£", "EUR": "€", "USD": "$"}
CIRCA = {
    "en": ("circa", "c.", "ca."),
    "fr": ("vers", "circa"),
    "it": ("circa", "ca."),
    "de": ("um", "ca."),
    "es": ("hacia", "circa"),
    "nl": ("circa", "ca."),
}
ORIGIN = {
    "en": ("English", "French", "Italian", "Scottish", "Austrian", "Dutch"),
    "fr": ("française", "anglaise", "italienne", "lyonnaise", "bordelaise"),
    "it": ("italiana", "milanese", "fiorentina", "inglese", "veneziana"),
    "de": ("deutschen", "Wiener", "Münchner", "Hamburger"),
    "es": ("española", "madrileña", "catalana", "andaluza"),
    "nl": ("Nederlandse", "Amsterdamse", "Vlaamse"),
}
HOUSES = (
    "Christie's London",
    "Sotheby's Paris",
    "Bonhams",
    "Dorotheum",
    "Drouot",
    "Phillips Geneva",
    "Lempertz",
    "Cambi",
    "Ansorena",
    "Van Ham",
    "Christie's Amsterdam",
    "Koller",
)
LABS = ("GIA", "HRD", "IGI", "SSEF", "Gübelin", "GRS")
CARRIERS = (
    "DHL Express",
    "UPS",
    "FedEx",
    "Royal Mail Special Delivery",
    "Colissimo",
    "DPD",
    "Poste Italiane",
    "PostNL",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
VAT = {
    "GB": "GB {a:03d} {b:04d} {c:02d}",
    "FR": "FR {c:02d} {a:03d} {b:04d}{c:02d}",
    "IT": "IT {a:03d}{b:04d}{a:03d}{c}",
    "DE": "DE {a:03d}{b:04d}{c:02d}",
    "ES": "ESB{a:03d}{b:04d}{c}",
    "NL": "NL{a:03d}{b:04d}{c:02d}B01",
    "CH": "CHE-{a:03d}.{b:03d}.{c:03d} MWST",
    "BE": "BE 0{a:03d}.{b:03d}.{c:03d}",
    "AT": "ATU{a:03d}{b:04d}{c}",
    "IE": "IE {a:03d}{b:04d}T",
    "US": "EIN {c:02d}-{a:03d}{b:04d}",
}

# Six or more digits in a run, allowing short separators: "120 x 45 x 76", "1780-1800",
# "48 2937 1056". A message matching this and planted with nothing is a lookalike decoy.
_DIGIT_RUN = re.compile(r"\d(?:(?:[ \t.,/x\u00d7-]{1,3})?\d){5,}")


def has_lookalike(text: str) -> bool:
    """True when ``text`` carries a phone-like run of six or more digits."""
    return _DIGIT_RUN.search(text) is not None


def money(amount: float, currency: str, lang: str, rng: random.Random) -> str:
    """A price as a person of that language writes it ("£4,250", "4 250 €", "€ 4.250")."""
    whole = f"{amount:,.0f}"
    sym = SYMBOL.get(currency)
    if lang == "en":
        return f"{sym}{whole}" if sym and rng.random() < 0.85 else f"{currency} {whole}"
    dotted = whole.replace(",", ".")
    if lang in ("fr", "es"):
        return f"{whole.replace(',', ' ' if lang == 'fr' else '.')} {sym or currency}"
    if lang in ("it", "nl"):
        return f"{sym or currency} {dotted}" if rng.random() < 0.7 else f"{dotted} {currency}"
    return f"{dotted} {sym or currency}" if rng.random() < 0.7 else f"{dotted},- {currency}"


def dims(r: random.Random, item: Item, lang: str) -> str:
    """Measurements as a dealer gives them for this kind of object."""
    kind, comma = item.kind, "." if lang == "en" else ","
    if kind == "watch":
        return f"{r.choice((34, 36, 38, 39, 40, 41, 42))} mm, lug {r.choice((18, 19, 20))} mm"
    if kind == "jewellery":
        if "ring" in item.noun:
            size = f"{r.choice('JKLMNOPQ')} 1/2 (EU {r.randint(48, 60)})"
            return f"size {size}" if lang == "en" else size
        return f"{r.randint(16, 48)}{comma}{r.randint(0, 9)} cm"
    if kind == "silver":
        return f"H {r.randint(8, 45)}{comma}{r.randint(0, 9)} cm, {r.randint(180, 4200)} g"
    if kind == "sculpture":
        return f"H {r.randint(25, 90)} cm ({r.randint(30, 100)} cm with the base)"
    w, d, h = r.randint(40, 220), r.randint(25, 75), r.randint(35, 230)
    if kind in ("painting", "print"):
        h, w = h // 2 + 15, w // 2 + 15
        sight = f" ({h - 12} x {w - 12} cm sight)" if r.random() < 0.4 else ""
        return f"{h} x {w} cm{sight}"
    letters = {"en": "WDH", "fr": "LPH", "it": "LPH", "de": "BTH", "es": "", "nl": "BDH"}[lang]
    if letters and r.random() < 0.4:
        return f"{letters[0]} {w} x {letters[1]} {d} x {letters[2]} {h} cm"
    if lang == "en" and r.random() < 0.2:
        return f"{w / 2.54:.0f} x {d / 2.54:.0f} x {h / 2.54:.0f} in"
    return f"{w} x {d} x {h} cm"


def _hallmark(r: random.Random, it: Item, lang: str) -> str:
    town = r.choice(("London", "Birmingham", "Sheffield", "Chester", "Edinburgh"))
    mark = r.choice("WHGRJ") + r.choice("CBSEL")
    return f"{town} {r.randint(it.year_lo, it.year_hi)}, maker's mark {mark}"


def _serial(r: random.Random, it: Item, lang: str) -> str:
    if r.random() < 0.5:
        return str(r.randint(1_000_000, 99_999_999))
    return f"{r.choice('RLEVMSZ')}{r.randint(100_000, 999_999)}"


def _ref(r: random.Random, it: Item, lang: str) -> str:
    if r.random() < 0.5:
        return f"COA-{r.randint(2015, 2024)}-{r.randint(100, 9999):04d}"
    return f"{r.randint(10, 99)}/{r.randint(1000, 99999)}"


def _date(r: random.Random, it: Item, lang: str) -> str:
    day, month = r.randint(1, 28), r.randint(1, 12)
    if lang == "en":
        return f"{day} {MONTHS[month - 1]}"
    if lang == "de":
        return f"{day:02d}.{month:02d}.{r.randint(2022, 2025)}"
    return f"{day:02d}/{month:02d}"


def _weight(r: random.Random, it: Item, lang: str) -> str:
    grams = f"{r.uniform(3, 95):.1f}"
    return f"{grams if lang == 'en' else grams.replace('.', ',')} g"


DRAWS: dict[str, Callable[[random.Random, Item, str], str]] = {
    "days": lambda r, it, lang: r.choice(("2-3", "3-5", "5-7", "7-10")),
    "weight": _weight,
    "hallmark": _hallmark,
    "circa": lambda r, it, lang: f"{r.choice(CIRCA[lang])} {it.year_lo}-{it.year_hi}",
    "made": lambda r, it, lang: str(r.randint(it.year_lo, it.year_hi)),
    "year": lambda r, it, lang: str(r.randint(1956, 2019)),
    "year_recent": lambda r, it, lang: str(r.randint(2019, 2024)),
    "date_old": lambda r, it, lang: (
        f"{r.randint(1, 28)} {r.choice(MONTHS)} {r.randint(1965, 2015)}"
    ),
    "date": _date,
    "house": lambda r, it, lang: r.choice(HOUSES),
    "lot": lambda r, it, lang: str(r.randint(1, 640)),
    "inventory": lambda r, it, lang: f"{r.choice(('', 'INV ', 'no. '))}{r.randint(1000, 99999)}",
    "lab": lambda r, it, lang: r.choice(LABS),
    "cert": lambda r, it, lang: str(r.randint(1_000_000_000, 7_999_999_999)),
    "cat_no": lambda r, it, lang: str(r.randint(1, 1800)),
    "serial": _serial,
    "ref": _ref,
    "order": lambda r, it, lang: (
        f"{r.choice(('#', 'no. ', ''))}{r.randint(10_000_000, 99_999_999)}"
    ),
    "carrier": lambda r, it, lang: r.choice(CARRIERS),
    "invoice": lambda r, it, lang: (
        f"{r.choice(('INV-', 'F', 'RE-'))}{r.randint(2019, 2025)}-{r.randint(1, 9999):05d}"
    ),
    "origin": lambda r, it, lang: r.choice(ORIGIN[lang]),
}


def tracking(r: random.Random) -> str:
    """A tracking number in one of the carriers' shapes (DHL, UPS, FedEx, Royal Mail, DPD)."""
    kind = r.randrange(5)
    if kind == 0:
        return f"{r.randint(10, 99)} {r.randint(1000, 9999)} {r.randint(1000, 9999)}"
    if kind == 1:
        return f"1Z{r.randint(100, 999)}A{r.randint(10, 99)}{r.randint(10_000_000, 99_999_999)}"
    if kind == 2:
        return f"{r.randint(1000, 9999)} {r.randint(1000, 9999)} {r.randint(1000, 9999)}"
    if kind == 3:
        return f"{r.choice(('RR', 'CX', 'LX'))}{r.randint(100_000_000, 999_999_999)}GB"
    return str(r.randint(10**13, 10**14 - 1))
