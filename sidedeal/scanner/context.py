"""Context that tells a phone number from a number that only looks like one.

Luxury-trade messages are full of digit runs that validate as phone numbers somewhere: a GIA
report number is ten digits, a German landline may be eight, an order number eleven. What decides
is the words around them, exactly as for a human reader: "order", "lot", "serial", "GIA", "tracking"
just before; "cm", "ct", "kg", "€" just after; a date's or a year range's shape. A word that names a
phone ("tel", "mobile", "WhatsApp") nearer to the digits than any such word wins.

Words are lower-case and accent-free (the scanner's normalised text).
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from sidedeal.scanner.words import wordset

# Words that introduce a reference, not a phone, in the six languages (and common abbreviations).
REF_WORDS = wordset("""
    order orders ordernr ordernummer order# ref refs reference references referenz referentie
    referenza referencia riferimento lot lots lotto lote los kavel serial serie series serienummer
    seriennummer matricola tracking track trace suivi seguimiento sendung sendungsnummer
    certificate certificat certificato certificado zertifikat certificaat cert report rapport
    gutachten expertise gia igi hrd agl ssef gubelin inventory inventaire inventario inventarnummer
    inventarisnummer inv invoice facture fattura factura factuur rechnung rechnungsnummer isbn issn
    vat tva iva ust btw awb waybill airwaybill ticket batch sku item article articolo artikel
    articulo code codice codigo model modell modele modello case movement calibre caliber kaliber
    calibro sale vente vendita asta auktion subasta veiling auction receipt ricevuta recu bon
    quittung parcel colis pacco paket pakket package pedido commande ordine bestellung
    bestellnummer bestelnummer auftrag auftragsnummer account konto compte conto cuenta rekening
    iban bic swift sort policy booking reservation confirmation transaction shipment
    consignment dossier stock catalogue catalog katalog catalogo cat plate patent registration reg
    licence license permit cites hallmark assay edition numbered nr nro num ordine tracciamento
    spedizione rastreo envio verzending
    literature lit provenance exhibited exhibition illustrated pp p pg page pages vol vols
    volume fig figs plate plates pl nos lots band bands
    """)
# Couriers: "FedEx: 35 3396 9576", "DHL 1234567890" is a tracking number; but "call DHL on
# 0344 ..." is their phone, so a courier's name counts only right before the digits.
COURIERS = wordset(
    "fedex dhl ups usps tnt gls dpd brt seur colissimo postnl parcelforce hermes evri chronopost "
    "correos sda bpost"
)

# Beginnings of German/Dutch compounds that name a reference ("Sendungsverfolgung",
# "Bestellbestätigung", "Kundennummer", "Rechnungsdatum").
REF_PREFIXES = (
    "sendung", "bestell", "rechnung", "auftrag", "tracking", "referen", "inventar", "serien",
    "artikel", "kunden", "zertifikat", "lieferschein", "factuur", "bestel", "zending", "volgnummer",
)  # fmt: skip

# Words that say the digits are a phone, which beats a reference word further away.
PHONE_CUES = wordset("""
    tel tele telephone telefone phone phones ph mob mobile mobil cell cellphone call calls ring
    text txt sms whatsapp wa viber signal telegram landline portable natel gsm handy handynummer
    telefon telefonnummer telefono telefoon telefoonnummer tlf cellulare cell movil llama llamame
    llamar chiama chiamami chiamare appelez appelle appeler bel bellen anrufen ruf rufen
    contact reach mobiel fisso fijo fixe festnetz numero
    """)

# Compounds that name a phone: "Telefonnummer", "Handynr", "mobilnummer", "whatsappnummer".
PHONE_CUE_PREFIXES = ("whatsapp", "telefon", "telefoon", "handy", "mobil", "mobiel", "gsm")

# Units and currency words that make the number before them a measure or a price.
UNITS = wordset("""
    cm mm km kg g gr gram grams gramm grammes grammi gramos ct cts carat carats karat karaat
    kt k quilates carati inch inches ft feet lb lbs oz ml cl x pcs pieces pezzi stuks stuck
    eur euro euros usd gbp chf jpy hkd aed sgd dollars dollar pounds pound francs franken pesos
    yen dirham hrs hours uhr heures horas uur percent jahre years ans anni anos jaar
    miles mile mi k km kms mileage sq sqft hz mhz ghz khz mah gb mb tb watts watt w v volts
    amp amps rpm hp ohm ohms mm cc lumens
    """)
CURRENCY_WORDS = wordset("eur euro euros usd gbp chf jpy hkd aed sgd cad aud us$ fr sfr chf. dm")
CURRENCY_SYMBOLS = "€$£¥₣₤₹"
AFTER_SYMBOLS = "%€$£¥°'\u2032\u2033"

_YEAR = re.compile(r"1[0-9]{3}|20[0-9]{2}")
_SENTENCE_END = re.compile(r"[!?;\n]")


def is_year(digits: str) -> bool:
    """True for a four-digit year 1000-2099."""
    return len(digits) == 4 and _YEAR.fullmatch(digits) is not None


def looks_like_date(groups: list[str], seps: list[str]) -> bool:
    """True when the digit groups (joined by ``seps``) read as a date or a year range.

    ``groups`` are the digit groups of a candidate, ``seps`` the text between consecutive groups.
    Dates: d/m/yyyy, d.m.yy when it is the whole candidate, yyyy-mm-dd. Year ranges: 1780-1800.
    """
    for index in range(len(groups) - 1):
        if is_year(groups[index]) and is_year(groups[index + 1]) and seps[index].strip() in "-/":
            return True
    for index in range(len(groups) - 2):
        a, b, c = groups[index : index + 3]
        sep_a, sep_b = seps[index].strip(), seps[index + 1].strip()
        if not sep_a or sep_a != sep_b or sep_a not in "./-":
            continue
        if _day_month(a, b) and is_year(c):
            return True
        if is_year(a) and _day_month(c, b):
            return True
        if len(groups) == 3 and len(c) == 2 and _day_month(a, b):
            return True
    return False


def _day_month(day: str, month: str) -> bool:
    if not (1 <= len(day) <= 2 and 1 <= len(month) <= 2):
        return False
    d, m = int(day), int(month)
    return (1 <= d <= 31 and 1 <= m <= 12) or (1 <= m <= 31 and 1 <= d <= 12)


_ABBREVIATIONS = wordset(
    "tel tlf no nr nro n ref refs ca c approx inv cat mob ph fig vol art st mr mrs dr sig sr sra "
    "ms bzw ggf inkl env rif cod num reg cert tva iva ust btw idnr ord"
)


def ends_sentence(gap: str, previous_word: str) -> bool:
    """True when the text ``gap`` after ``previous_word`` ends a sentence, so the words before it
    say nothing about the digits after it. A full stop after an abbreviation ("Tel.", "no.",
    "ref.") does not end one; after a price ("8.900 €. Meine Nummer...") it does."""
    if _SENTENCE_END.search(gap):
        return True
    abbreviation = previous_word in _ABBREVIATIONS or previous_word.endswith("nr")
    return ". " in gap + " " and not abbreviation


_ALNUM = re.compile(r"[^\W_]+")
# Far enough back for four words of context before a number.
_LOOKBACK_CHARS = 160
_SHORT_LOOKBACK = 48


def words_before(text: str, start: int) -> list[tuple[str, int, int]]:
    """The (lower-case word, start, end) of up to four words or numbers before ``start``, in the
    ``_LOOKBACK_CHARS`` before it. A shorter window is tried first: when it holds five, its
    last four are those of the full window."""
    found = list(_ALNUM.finditer(text, max(0, start - _SHORT_LOOKBACK), start))
    if len(found) < 5 and start > _SHORT_LOOKBACK:
        found = list(_ALNUM.finditer(text, max(0, start - _LOOKBACK_CHARS), start))
    return [(m.group().lower(), m.start(), m.end()) for m in found[-4:]]


def nearest_cue(before: list[tuple[str, int, int]], start: int, text: str) -> str:
    """ "phone" or "ref" for the nearest telling word among the four before the run (within its
    sentence), else ""."""
    gap = text[before[-1][2] : start] if before else text[:start]
    if "#" in gap or "°" in gap or "º" in gap:
        return "ref"
    if before and before[-1][0] in COURIERS:
        return "ref"
    end = start
    for word, word_start, word_end in reversed(before):
        if ends_sentence(text[word_end:end], word):
            break
        if word in PHONE_CUES or word.startswith(PHONE_CUE_PREFIXES):
            return "phone"
        # German/Dutch compounds: "Bestellnummer", "Rechnungsnr" (a phone compound is caught above).
        compound_ref = word.endswith(("nummer", "nr")) and word not in ("nummer", "nr")
        if word in REF_WORDS or compound_ref or word.startswith(REF_PREFIXES):
            return "ref"
        if word in ("no", "n") and text[word_end : word_end + 1] in ".:°º":
            return "ref"
        end = word_start
    return ""


def money_or_measure_before(before: list[tuple[str, int, int]], start: int, text: str) -> bool:
    """True when a currency symbol or word, or "x", right before ``start`` makes the number a
    price or a measure (``before``: from ``words_before``)."""
    if any(symbol in text[max(0, start - 2) : start] for symbol in CURRENCY_SYMBOLS):
        return True
    if before:
        word, _, word_end = before[-1]
        near = text[word_end:start].strip() == ""
        return near and (word in CURRENCY_WORDS or word == "x")
    return False


def measure_after(end: int, text: str) -> bool:
    """True when a unit or a symbol right after ``end`` makes the number before it a measure."""
    after = text[end : end + 2].split("\n", 1)[0].strip()[:1]
    if after and after in AFTER_SYMBOLS:
        return True
    nxt = _ALNUM.search(text, end, end + 40)
    if nxt is None:
        return False
    gap = text[end : nxt.start()]
    return len(gap) <= 2 and "\n" not in gap and nxt.group().lower() in UNITS


_CODE_BEFORE = re.compile(r"[a-z][a-z0-9]*[\-_/#]$", re.IGNORECASE)
_CODE_AFTER = re.compile(r"[\-_/][a-z]", re.IGNORECASE)


def code_around(text: str, start: int, end: int) -> bool:
    """True when the digits ``[start, end)`` are glued to a word by a hyphen, slash or
    underscore ("HDW-14322-003", "72455640-4-2-Concord", "Swdvk-414254-se"): a part, model or
    listing number. People space or bracket a number they give; they do not hyphenate it to
    a word."""
    return bool(_CODE_BEFORE.search(text, max(0, start - 12), start)) or bool(
        _CODE_AFTER.match(text, end)
    )


def small_numbers_listed(groups: list[str]) -> bool:
    """True for a run of more small numbers than a phone has digits ("1/2/3/4/5/7/8/12/13/25",
    shoe sizes "4, 4.5, 5, 5.5, 6"): a list or a table, not a number spelled out digit by
    digit (which has at most 15 digits)."""
    return len(groups) > 6 and sum(map(len, groups)) > 13 and all(len(g) <= 2 for g in groups)


def series(groups: list[Any], first: int, last: int, text: str) -> bool:
    """True when the candidate ``groups[first..last]`` is part of a series that goes on with
    the same separator and the same shape: "23972-23974-23976", "7.1, 7.2, 7.3, 7.4, 7.5"
    (``groups``: the run's digit groups with their spans)."""
    seps = [text[a.end : b.start] for a, b in pairwise(groups)]
    inner = set(seps[first:last])
    if len(inner) == 1:
        # The neighbour before and after, each with the separator that joins it.
        for index, sep_index, own in ((first - 1, first - 1, first), (last + 1, last, last)):
            sep = seps[sep_index] if 0 <= index < len(groups) else ""
            same = sep in inner and bool(sep.strip())
            if same and len(groups[index].digits) == len(groups[own].digits):
                return True
    # Decimals in a list: "7.1, 7.2": a bare dot between digits and commas between items.
    bare_dots = any(sep == "." for sep in seps[first:last])
    commas = any("," in sep for sep in seps[max(0, first - 1) : last + 1])
    return bare_dots and commas


def reference_year(part: list[Any], text: str) -> bool:
    """True when the candidate ends with a year in brackets ("pp. 312-318 (1986)", "cat.
    204-211 (1978)"): how references cite, never how a number is given."""
    last = part[-1]
    if len(part) < 2 or not is_year(last.digits) or last.spelled:
        return False
    opening = text[part[-2].end : last.start].strip()
    closing = text[last.end : last.end + 2].strip()[:1]
    return opening.endswith(("(", "[")) and closing in (")", "]")
