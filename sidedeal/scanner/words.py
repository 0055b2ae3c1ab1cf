"""Number words in English, French, Italian, German, Spanish and Dutch, for spelled-out phones.

People dictate phone numbers digit by digit ("oh seven nine one one"), in pairs as the French do
("zéro six, douze, trente-quatre"), with "double"/"triple", or as compounds ("einundzwanzig",
"ventitré", "treinta y cuatro", "vierendertig"). Keys are lower-case and accent-free because the
scanner matches against its normalised text (see ``normalise``).

Each word has a class: ``d`` (0-9), ``teen`` (10-19), ``tens`` (20-90), ``comp`` (a one-word 21-99),
``hund`` (hundred), ``mult`` (double/triple), ``join`` (the "and" inside compounds), ``fill`` (a word
people put between digit groups to defeat filters: "dash", "then", "space").
"""

from __future__ import annotations

WordInfo = tuple[str, int]


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: how the word tables here are written."""
    return frozenset(text.split())


_UNITS: dict[str, list[str]] = {
    # index = value; several spellings per language
    "en": ["zero oh o nought nil", "one", "two", "three", "four", "five", "six", "seven", "eight",
           "nine"],
    "fr": ["zero", "un une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"],
    "it": ["zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"],
    "de": ["null", "eins ein", "zwei zwo", "drei", "vier", "funf fuenf", "sechs", "sieben", "acht",
           "neun"],
    "es": ["cero", "uno una un", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho",
           "nueve"],
    "nl": ["nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"],
}  # fmt: skip
_TEENS: dict[str, list[str]] = {
    "en": ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
           "eighteen", "nineteen"],
    "fr": ["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "", "", ""],
    "it": ["dieci", "undici", "dodici", "tredici", "quattordici", "quindici", "sedici",
           "diciassette", "diciotto", "diciannove"],
    "de": ["zehn", "elf", "zwolf zwoelf", "dreizehn", "vierzehn", "funfzehn fuenfzehn", "sechzehn",
           "siebzehn", "achtzehn", "neunzehn"],
    "es": ["diez", "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete",
           "dieciocho", "diecinueve"],
    "nl": ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien",
           "achttien", "negentien"],
}  # fmt: skip
_TENS: dict[str, list[str]] = {
    # index 0 = twenty ... index 7 = ninety
    "en": ["twenty", "thirty", "forty fourty", "fifty", "sixty", "seventy", "eighty", "ninety"],
    "fr": ["vingt vingts", "trente", "quarante", "cinquante", "soixante", "septante", "octante huitante",
           "nonante"],
    "it": ["venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta"],
    "de": ["zwanzig", "dreissig", "vierzig", "funfzig fuenfzig", "sechzig", "siebzig", "achtzig",
           "neunzig"],
    "es": ["veinte", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta",
           "noventa"],
    "nl": ["twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig"],
}  # fmt: skip
_HUNDRED = "hundred cent cents cento hundert cien ciento honderd"
_MULT = {"double": 2, "triple": 3, "doppio": 2, "triplo": 3, "doppel": 2, "doppelt": 2,
         "doble": 2, "dubbel": 2, "dubbele": 2}  # fmt: skip
JOINERS = frozenset({"and", "et", "y", "und", "en"})
FILLERS = wordset(
    "dash hyphen dot space then point tiret trait espace puis punto trattino spazio poi punkt "
    "strich bindestrich leerzeichen dann guion espacio luego punt streepje spatie dan"
)


def _build() -> dict[str, WordInfo]:
    table: dict[str, WordInfo] = {}

    def put(words: str, info: WordInfo) -> None:
        for word in words.split():
            table.setdefault(word, info)

    for lang in _UNITS:
        for value, words in enumerate(_UNITS[lang]):
            put(words, ("d", value))
        for value, words in enumerate(_TEENS[lang], start=10):
            put(words, ("teen", value))
        for index, words in enumerate(_TENS[lang]):
            put(words, ("tens", 20 + 10 * index))
    # One-word compounds 21-99.
    for index, words in enumerate(_TENS["it"]):
        tens = words.split()[0]
        for unit, unit_word in enumerate(_UNITS["it"][1:], start=1):
            unit_word = unit_word.split()[0]
            stem = tens[:-1] if unit_word[0] in "aeiou" else tens  # venti+uno -> ventuno
            put(stem + unit_word, ("comp", 20 + 10 * index + unit))
    for unit, word in enumerate(["uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho",
                                 "nueve"], start=1):  # fmt: skip
        put("veinti" + word, ("comp", 20 + unit))
    put("veintiun", ("comp", 21))
    for index, words in enumerate(_TENS["de"]):
        for tens in words.split():
            for unit, unit_word in enumerate(["ein", "zwei", "drei", "vier", "funf", "sechs",
                                              "sieben", "acht", "neun"], start=1):  # fmt: skip
                put(f"{unit_word}und{tens}", ("comp", 20 + 10 * index + unit))
    for index, words in enumerate(_TENS["nl"]):
        tens = words.split()[0]
        for unit, unit_word in enumerate(_UNITS["nl"][1:], start=1):
            put(f"{unit_word}en{tens}", ("comp", 20 + 10 * index + unit))
    put(_HUNDRED, ("hund", 100))
    for word, times in _MULT.items():
        put(word, ("mult", times))
    for word in JOINERS:
        put(word, ("join", 0))
    for word in FILLERS:
        put(word, ("fill", 0))
    return table


NUMBER_WORDS: dict[str, WordInfo] = _build()

# Words that can be glued into one token ("zerosevenninetwothree", "2one2"). Short or ambiguous
# words are left out of gluing, because they occur inside ordinary words ("often", "tone").
_GLUEABLE = frozenset(
    w for w, (cls, _) in NUMBER_WORDS.items() if cls in ("d", "teen", "tens", "comp") and len(w) > 2
)
_LENGTHS = sorted({len(w) for w in _GLUEABLE}, reverse=True)
# A glued token starts and ends with a number word or a digit; checking three letters at each end
# rejects nearly every ordinary word before any segmentation is tried.
GLUE_HEADS = frozenset(w[:3] for w in _GLUEABLE)
_TAILS = frozenset(w[-3:] for w in _GLUEABLE)
_MAX_GLUED = 64


def split_glued(token: str) -> list[tuple[int, int]] | None:
    """Spans of the digit runs and number words that ``token`` (lower case) is made of, when it is
    made of nothing else and has at least two pieces; ``None`` otherwise."""
    if len(token) > _MAX_GLUED or not token:
        return None
    if not (token[0].isdigit() or token[:3] in GLUE_HEADS):
        return None
    if not (token[-1].isdigit() or token[-3:] in _TAILS):
        return None
    pieces = _segment(token, 0, set())
    return pieces if pieces is not None and len(pieces) >= 2 else None


def _segment(token: str, start: int, dead: set[int]) -> list[tuple[int, int]] | None:
    """Longest-first segmentation from ``start``; ``dead`` remembers positions that cannot be
    completed, which keeps the search linear in practice."""
    if start == len(token):
        return []
    if start in dead:
        return None
    if token[start].isdigit():
        end = start
        while end < len(token) and token[end].isdigit():
            end += 1
        rest = _segment(token, end, dead)
        result = None if rest is None else [(start, end), *rest]
    else:
        result = None
        for length in _LENGTHS:
            if start + length <= len(token) and token[start : start + length] in _GLUEABLE:
                rest = _segment(token, start + length, dead)
                if rest is not None:
                    result = [(start, start + length), *rest]
                    break
    if result is None:
        dead.add(start)
    return result
