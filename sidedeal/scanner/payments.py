"""Payment details and off-platform payment methods.

Payout accounts (values that link the accounts using them): IBANs (country length and mod-97
checked), UK sort code and account number, Bitcoin and Ethereum wallet addresses. Methods (stored
on the message, like cues): wire_direct, paypal_ff, paypal, zelle, venmo, cashapp, revolut, bizum,
tikkie, twint, western_union, moneygram, crypto, cash_on_collection.

On a marketplace with its own checkout, naming any of these methods to the other side is an offer
to pay outside it, except when the sentence says the payment goes *through* the platform ("we paid
by bank transfer through the site's escrow") or refuses it ("I'd rather not use PayPal").
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Collection

from sidedeal.identifiers.normalisers import IBAN_LENGTHS, iban_valid
from sidedeal.scanner.anchors import Anchors
from sidedeal.scanner.model import Finding
from sidedeal.scanner.normalise import Normalised

# Method and context patterns are lower-case and run on ``Normalised.low``.
# (method, anchors, pattern): see ``anchors`` for the notation; most messages skip every pattern.
_METHOD_SPECS: list[tuple[str, str, str]] = [
    ("paypal_ff",
     "'paypal'|f+'&'|'amici e '|'entre '+('entre amis' 'entre proches')"
     "|'famil'+('friend' 'amis et famil' 'freunde und famil' 'amigos y famil' 'vrienden en famil')",
     r"paypal\W{0,3}(?:f\s*&\s*f|f\s*(?:and|n|\+)\s*f|ff\b|friends?\W+(?:and|&|n|\+)\W+famil"
     r"|famil|gift|personal)|\bf\s*&\s*f\b|friends?\s*(?:and|&|\+)\s*family|amis et famille"
     r"|entre (?:amis|proches)|amici e (?:familiari|parenti)|freunde und familie"
     r"|amigos y famili|vrienden en familie"),
    ("paypal", "paypal|pay+pal", r"\bpay\s?pal\b"),
    ("zelle", "zelle", r"\bzelle\b"),
    ("venmo", "venmo", r"\bvenmo\b"),
    ("cashapp", "cashapp|cash+app", r"\bcash\s?app\b"),
    ("revolut", "revolut", r"\brevolut\b"),
    ("bizum", "bizum", r"\bbizum\b"),
    ("tikkie", "tikkie", r"\btikkie\b"),
    ("twint", "twint", r"\btwint\b"),
    ("western_union", "western+union", r"\bwestern\s+union\b(?!\s+(?:telegra\w*|clock|sign))"),
    ("moneygram", "moneygram|money+gram", r"\bmoney\s?gram\b"),
    ("crypto", "'crypto'|bitcoin|bitcoins|btc|usdt|tether|ethereum|eth|usdc|litecoin|monero|binance",
     r"\b(?:crypto\w*|bitcoins?|btc|usdt|tether|ethereum|eth|usdc|litecoin|monero"
     r"|binance\s+pay)\b"),
    ("wire_direct",
     "wire|iban|swift|virement|bonifico|uberweisung|ueberweisung|transferencia|overboeking|"
     "overmaken|bankoverschrijving|bank+transfer|banktransfer|wiretransfer|sort+code|sortcode|"
     "maak+over|account+(transfer send pay)|naar+mijn+rekening|auf+mein+konto|sur+mon+compte|"
     "sul+mio+conto|mi+cuenta",
     r"\b(?:bank\s*transfer|wire\s*transfer|(?:by|via|per|a)\s+wire|wire\s+(?:it|me|you"
     r"|the\s+(?:money|funds|payment|balance))|iban|sort\s*code|swift|virement|bonifico"
     r"|u(?:e)?berweisung|transferencia|overboeking|overmaken|bankoverschrijving"
     r"|maak\b[^.!?\n]{0,30}\bover|(?:transfer|send|pay)\s+(?:it\s+|the\s+\w+\s+)?(?:to|into)"
     r"\s+my\s+(?:bank\s+)?account|naar mijn rekening|auf mein konto|sur mon compte"
     r"|sul mio conto|a mi cuenta)\b"),
    ("cash_on_collection",
     "cash|especes|liquide|contanti|bar+(in bei)|barzahlung|efectivo|'contant'",
     r"\b(?:(?:pay|paid|paying|pays)\s+(?:in\s+)?cash|cash\s+(?:on|at|upon|when|only"
     r"|payment|then|please|or|and|quand|au|a\s+la)|(?:or|and|ou|half|accept|only)\s+cash"
     r"|especes|en\s+liquide|contanti|in\s+bar|barzahlung|bar\s+bei\s+abholung|efectivo"
     r"|contant\w*)\b"),
]  # fmt: skip
_METHODS = [
    (method, Anchors(anchors), re.compile(pattern)) for method, anchors, pattern in _METHOD_SPECS
]
METHOD_ANCHORS = [anchors for _, anchors, _ in _METHODS]
ANCHORS = Anchors.union(METHOD_ANCHORS)
_NEGATED = re.compile(
    r"\b(?:no|not|don'?t|do not|never|won'?t|can'?t|cannot|rather not|pas|non|nicht|kein\w*|niet"
    r"|geen|nunca)\b[^.!?\n]{0,12}$"
)
_PLATFORM_NOUN = (
    r"(?:site|platform|website|marketplace|checkout|escrow|plateforme|sito|piattaforma|plattform"
    r"|seite|plataforma|web|pagina)"
)
# "through the site", "über die Plattform", "via het platform", "paid at checkout", "le virement de
# la plateforme", "pagamento del sito": the payment runs through the marketplace.
_THROUGH_PLATFORM = re.compile(
    rf"\b(?:through|via|using|with|by|at|par|sur|tramite|attraverso|sul|uber|por|mediante)\s+"
    rf"(?:the\s+|le\s+|la\s+|il\s+|die\s+|den\s+|het\s+|de\s+)?{_PLATFORM_NOUN}\b"
    rf"|\b(?:site|platform)'?s\s+(?:checkout|escrow|payment)"
    rf"|\b(?:paiement|virement|pagamento|zahlung|pago|betaling|pasarela|checkout)\s+(?:\w+\s+)?"
    rf"(?:du|de\s+la|del|della|der|de|van\s+het|van\s+de)\s+{_PLATFORM_NOUN}\b"
)
_AGAINST_PLATFORM = re.compile(
    r"\b(?:no|not|rather than|instead of|outside|off|sans|pas|hors|fuori|senza|ohne|nicht"
    r"|fuera|sin|buiten|niet)\b[^.!?\n]{0,20}(?:site|platform|checkout|plateforme|sito"
    r"|piattaforma|plattform|seite|plataforma|web)"
)
_CLAUSE = re.compile(r"[.!?\n;]")

_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,34}")
_SORTCODE = re.compile(r"\bsort\s*code\W{0,3}([0-9]{2})[ .\-]?([0-9]{2})[ .\-]?([0-9]{2})\b")
_ACCOUNT = re.compile(
    r"\b(?:account|acct|acc|a/c)(?:\s*(?:no|number|num|nr|#))?\W{0,3}([0-9]{8})\b"
)
_BECH32 = re.compile(r"\b(bc1[ac-hj-np-z02-9]{11,71})\b", re.IGNORECASE)
_BASE58 = re.compile(r"\b([13][a-km-zA-HJ-NP-Z1-9]{25,34})\b")
_ETH = re.compile(r"\b(0x[0-9a-fA-F]{40})\b")
# Necessary parts of the patterns above, each starting with a digit so the search skips ahead:
# an IBAN's check digits after its country code and the start of its BBAN; a base58 wallet.
_ACCOUNT_QUICK = re.compile(
    r"(?P<iban>[0-9][0-9](?<=[A-Za-z]{2}[0-9]{2})(?: ?[A-Za-z0-9]){11})|[13][A-Za-z0-9]{25}"
)
_IBAN_QUICK = re.compile(r"[0-9][0-9](?<=[A-Za-z]{2}[0-9]{2})(?: ?[A-Za-z0-9]){11}")
_BASE58_QUICK = re.compile(r"[13][A-Za-z0-9]{25}")
_NO_ACCOUNTS = (False, False, False)
_KINDS = bytes(
    97 if chr(c).isascii() and chr(c).isalpha() else 48 if 48 <= c <= 57 else 95 if c == 32 else 32
    for c in range(256)
)
_KIND_IBAN = re.compile(rb"aa00(?:_?[a0]){11}")
_ALNUM = bytes(97 if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))
_ALNUM_26 = b"a" * 26
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def accounts(text: str, low: str, digits: int) -> tuple[bool, bool, bool]:
    """Whether an IBAN, a sort code and account, a wallet may be in the (normalised) text: an IBAN
    needs its two check digits (its bank code and account may be letters), a sort code and
    account fourteen digits, a wallet a digit."""
    if not digits:
        return _NO_ACCOUNTS
    sortcode = digits >= 14 and "sort" in low
    hex_or_bech32 = "0x" in low or "bc1" in low
    # Letters as "a", digits as "0", a space as "_" (anything else, and so every non-ASCII
    # character, as " "): an IBAN has "aa00" and eleven more (single spaces allowed), a base58
    # wallet an alnum run of 26; both said faster so than by searching the text.
    raw = text.encode("ascii", "replace")
    iban = _KIND_IBAN.search(raw.translate(_KINDS)) is not None
    if not iban and _ALNUM_26 not in raw.translate(_ALNUM):
        return (False, sortcode, hex_or_bech32)
    first = _ACCOUNT_QUICK.search(text)  # the leftmost of either: none before it
    if first is None:
        return (False, sortcode, hex_or_bech32)
    if first.group("iban") is not None:
        base58 = _BASE58_QUICK.search(text, first.start()) is not None
        return (True, sortcode, hex_or_bech32 or base58)
    return (_IBAN_QUICK.search(text, first.start()) is not None, sortcode, True)


def find_payments(
    norm: Normalised,
    accounts: tuple[bool, bool, bool] = (True, True, True),
    methods: Collection[int] | None = None,
) -> list[Finding]:
    """Payout accounts and payment-method findings (spans into the original text).

    ``accounts`` says whether to look for IBANs, sort codes, wallets (see ``accounts``);
    ``methods`` which method patterns to run (indices into ``METHOD_ANCHORS`` whose anchors hold;
    ``None`` for all).
    """
    out: list[Finding] = []
    iban, sortcode, wallet = accounts
    if iban:
        out += _ibans(norm)
    if sortcode:
        out += _sortcodes(norm)
    if wallet:
        out += _wallets(norm)
    return out + _methods(norm, methods)


def _methods(norm: Normalised, active: Collection[int] | None) -> list[Finding]:
    if active is not None and not active:
        return []
    text = norm.low
    out: list[Finding] = []
    has_ff = False
    clauses = _Clauses(text)
    for number, (method, _, pattern) in enumerate(_METHODS):
        if active is not None and number not in active:
            continue
        for match in pattern.finditer(text):
            if method == "paypal" and has_ff:
                continue  # "PayPal friends and family" is one method, not two
            if _NEGATED.search(text, max(0, match.start() - 30), match.start()):
                continue
            if clauses.through_platform(match.start(), match.end()):
                continue
            start, end = norm.span(match.start(), match.end())
            out.append(Finding("payment", method, start, end, 0.8, f"payment.{method}"))
            has_ff = has_ff or method == "paypal_ff"
    return out


class _Clauses:
    """The clauses of a text (between ``.!?;`` and line breaks), for asking whether the clause
    around a match says the payment runs through the platform. The clause boundaries are found
    once and each clause is read once, however many methods it names: a text of many methods
    costs time linear in its length (looking back to the clause start per match was quadratic).
    """

    __slots__ = ("_answers", "_bounds", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._bounds: list[int] | None = None
        self._answers: dict[tuple[int, int], bool] = {}

    def through_platform(self, start: int, end: int) -> bool:
        """True when the clause around ``[start, end)`` says the payment runs through the
        platform."""
        if self._bounds is None:
            self._bounds = [m.start() for m in _CLAUSE.finditer(self._text)]
        bounds = self._bounds
        before = bisect_left(bounds, start)
        left = bounds[before - 1] + 1 if before else 0
        after = bisect_left(bounds, end)
        right = bounds[after] if after < len(bounds) else len(self._text)
        answer = self._answers.get((left, right))
        if answer is None:
            clause = self._text[left:right]
            answer = bool(_THROUGH_PLATFORM.search(clause)) and not _AGAINST_PLATFORM.search(clause)
            self._answers[(left, right)] = answer
        return answer


def _ibans(norm: Normalised) -> list[Finding]:
    out = []
    for match in _IBAN.finditer(norm.text):
        raw = match.group()
        country = raw[:2].upper()
        length = IBAN_LENGTHS.get(country)
        if length is None:
            continue
        compact, used = "", 0
        # The match may run on into the next word ("...0123 456 intestato"): take the country's
        # length of characters and remember how much of the match they cover.
        for ch in raw:
            used += 1
            if ch != " ":
                compact += ch.upper()
            if len(compact) == length:
                break
        if len(compact) != length or not iban_valid(compact):
            continue
        start, end = norm.span(match.start(), match.start() + used)
        out.append(Finding("payment", f"iban:{compact}", start, end, 0.97, "payment.iban"))
    return out


def _sortcodes(norm: Normalised) -> list[Finding]:
    out = []
    for code in _SORTCODE.finditer(norm.low):
        window = norm.low[max(0, code.start() - 60) : code.end() + 60]
        offset = max(0, code.start() - 60)
        account = _ACCOUNT.search(window)
        if account is None:
            continue
        a = min(code.start(), offset + account.start())
        b = max(code.end(), offset + account.end())
        value = f"sortcode:{''.join(code.groups())}:{account.group(1)}"
        start, end = norm.span(a, b)
        out.append(Finding("payment", value, start, end, 0.9, "payment.sortcode"))
    return out


def _wallets(norm: Normalised) -> list[Finding]:
    text = norm.text
    out = []
    for match in _BECH32.finditer(text):
        start, end = norm.span(*match.span(1))
        value = f"btc:{match.group(1).lower()}"
        out.append(Finding("payment", value, start, end, 0.85, "payment.wallet"))
    for match in _BASE58.finditer(text):
        if _base58check(match.group(1)):
            start, end = norm.span(*match.span(1))
            out.append(
                Finding("payment", f"btc:{match.group(1)}", start, end, 0.85, "payment.wallet")
            )
    for match in _ETH.finditer(text):
        start, end = norm.span(*match.span(1))
        value = f"eth:{match.group(1).lower()}"
        out.append(Finding("payment", value, start, end, 0.85, "payment.wallet"))
    return out


def _base58check(address: str) -> bool:
    number = 0
    for ch in address:
        number = number * 58 + _B58.index(ch)
    raw = number.to_bytes(25, "big") if number.bit_length() <= 200 else b""
    if len(raw) != 25:
        return False
    checksum = hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4]
    return checksum == raw[-4:]
