"""Phone numbers in free text: typed, spaced, dotted, spelled out, glued, or hidden with look-alikes.

How a number is found:
1. tokens (``tokens.tokenise``) are joined into runs: digit-bearing tokens separated only by what a
   reader skips (spaces, dots, dashes, slashes, brackets; commas between words; filler words);
2. each run becomes digit groups (``groups.to_groups``), and candidates are whole groups, longest
   first, whose digits validate with ``phonenumbers`` in the sender's country (or internationally
   after a ``+``); a run can hold two numbers;
3. a candidate is dropped when its context says reference, measure, price or date (``context``).

Without a sender country only international numbers (``+``/``00``) are found: a national number
means nothing without its country, and guessing one would invent identifiers.

Short codes (SMS numbers of 4-6 digits, e.g. "text WIN to 87121") are reported only after an SMS
verb and "to", when phonenumbers' short-number data says the code is valid in the sender's
country: kind ``phone`` with the bare digits (not E.164, which they are not), rule
``phone.shortcode``, confidence 0.4. They identify a service, not an account, so
``finding_identifier`` maps them to no graph identifier.
"""

from __future__ import annotations

import re
from itertools import pairwise

from phonenumbers import NumberParseException, parse
from phonenumbers.shortnumberinfo import is_valid_short_number_for_region

from sidedeal.ingest.identifiers import e164_if_valid
from sidedeal.ingest.scanner import context
from sidedeal.ingest.scanner.groups import Group, to_groups
from sidedeal.ingest.scanner.model import Finding
from sidedeal.ingest.scanner.normalise import Normalised
from sidedeal.ingest.scanner.tokens import LOOK, NUM, WORD, Token, tokenise
from sidedeal.ingest.scanner.words import wordset

_RUN_WORDS = frozenset({"d", "teen", "tens", "comp", "hund", "mult", "join", "fill"})
_GAP = re.compile(r"[ \t\-./()\[\]]{0,4}")
_WORD_GAP = re.compile(r"[ \t\-./()\[\],:;]{0,4}")
_PLUS_BEFORE = re.compile(r"\+[ (]*$")
# "text WIN to 87121", "txt the word CLAIM to No: 81010", "send STOP to 87239", "reply YES 2 83600"
_SHORTCODE = re.compile(
    r"\b(?:text|txt|send|sms|reply|rply|msg|texting|txting)\b[^.!?\n]{0,40}?\b(?:to|on|2)[\s:]+"
    r"(?:no\s*[.:]?\s*)?([0-9]{4,6})(?![0-9])"
)
_ALNUM = re.compile(r"[^\W_]+")
# Far enough back for four words of context before a number.
_LOOKBACK_CHARS = 160
MIN_DIGITS = 7
MAX_DIGITS = 17


_SMS_VERBS = wordset("text txt send sms reply rply msg texting txting")


def find_phones(
    norm: Normalised, original: str, region: str | None, words: set[str] | None = None
) -> list[Finding]:
    """Phone findings in ``original`` (via its normalised form), with ``region`` as default.
    ``words`` (the message's lower-case vocabulary) lets it skip the short-code search."""
    text = norm.text
    tokens = tokenise(text, norm.low)
    findings: list[Finding] = []
    for first, last in _runs(tokens, text):
        run = tokens[first : last + 1]
        groups = to_groups(run)
        if sum(len(g.digits) for g in groups) < MIN_DIGITS:
            continue
        before = _words_before(text, run[0].start)
        cue = _nearest_cue(before, run[0].start, text)
        if cue == "ref" or _money_or_measure_before(before, run[0].start, text):
            continue
        intl = bool(_PLUS_BEFORE.search(text[max(0, run[0].start - 3) : run[0].start]))
        if before and before[-1][0] == "plus":
            intl = intl or not text[before[-1][2] : run[0].start].strip()
        findings.extend(_candidates(groups, text, norm, original, region, intl, cue))
    if words is None or not words.isdisjoint(_SMS_VERBS):
        findings.extend(_shortcodes(norm, region))
    return findings


def _runs(tokens: list[Token], text: str) -> list[tuple[int, int]]:
    """Index ranges of runs with at least one digit-bearing token."""
    runs: list[tuple[int, int]] = []
    start = -1
    for index, tok in enumerate(tokens):
        member = tok.kind in (NUM, LOOK) or (tok.kind == WORD and tok.cls in _RUN_WORDS)
        if member and start >= 0:
            prev = tokens[index - 1]
            gap = text[prev.end : tok.start]
            pattern = _WORD_GAP if WORD in (prev.kind, tok.kind) else _GAP
            if not pattern.fullmatch(gap):
                runs.append((start, index - 1))
                start = index
        elif member:
            start = index
        elif start >= 0:
            runs.append((start, index - 1))
            start = -1
    if start >= 0:
        runs.append((start, len(tokens) - 1))
    trimmed = []
    for first, last in runs:
        # Fillers, joiners and lone look-alike letters only count between digits.
        while first <= last and not _anchors(tokens[first]):
            first += 1
        while last >= first and not _anchors(tokens[last]):
            last -= 1
        if first <= last:
            trimmed.append((first, last))
    return trimmed


def _anchors(tok: Token) -> bool:
    if tok.kind == NUM:
        return True
    if tok.kind == LOOK:
        return tok.cls != "letters"
    return tok.kind == WORD and tok.cls in ("d", "teen", "tens", "comp", "mult")


def _words_before(text: str, start: int) -> list[tuple[str, int, int]]:
    """The (lower-case word, start, end) of up to four words or numbers before ``start``."""
    found = _ALNUM.finditer(text, max(0, start - _LOOKBACK_CHARS), start)
    return [(m.group().lower(), m.start(), m.end()) for m in found][-4:]


def _nearest_cue(before: list[tuple[str, int, int]], start: int, text: str) -> str:
    """ "phone" or "ref" for the nearest telling word among the four before the run (within its
    sentence), else ""."""
    gap = text[before[-1][2] : start] if before else text[:start]
    if "#" in gap or "°" in gap or "º" in gap:
        return "ref"
    if before and before[-1][0] in context.COURIERS:
        return "ref"
    end = start
    for word, word_start, word_end in reversed(before):
        if context.ends_sentence(text[word_end:end], word):
            break
        if word in context.PHONE_CUES or word.startswith(context.PHONE_CUE_PREFIXES):
            return "phone"
        # German/Dutch compounds: "Bestellnummer", "Rechnungsnr" (a phone compound is caught above).
        compound_ref = word.endswith(("nummer", "nr")) and word not in ("nummer", "nr")
        if word in context.REF_WORDS or compound_ref or word.startswith(context.REF_PREFIXES):
            return "ref"
        if word in ("no", "n") and text[word_end : word_end + 1] in ".:°º":
            return "ref"
        end = word_start
    return ""


def _money_or_measure_before(before: list[tuple[str, int, int]], start: int, text: str) -> bool:
    if any(symbol in text[max(0, start - 2) : start] for symbol in context.CURRENCY_SYMBOLS):
        return True
    if before:
        word, _, word_end = before[-1]
        near = text[word_end:start].strip() == ""
        return near and (word in context.CURRENCY_WORDS or word == "x")
    return False


def _measure_after(end: int, text: str) -> bool:
    after = text[end : end + 2].strip()[:1]
    if after and after in context.AFTER_SYMBOLS:
        return True
    nxt = _ALNUM.search(text, end, end + 40)
    if nxt is None:
        return False
    gap = text[end : nxt.start()]
    return len(gap) <= 2 and "\n" not in gap and nxt.group().lower() in context.UNITS


def _candidates(
    groups: list[Group],
    text: str,
    norm: Normalised,
    original: str,
    region: str | None,
    intl: bool,
    cue: str,
) -> list[Finding]:
    out: list[Finding] = []
    i = 0
    while i < len(groups):
        found = False
        # The longest whole-group span that fits in a phone number, then shorter ones.
        top, size = i, len(groups[i].digits)
        while top + 1 < len(groups) and size + len(groups[top + 1].digits) <= MAX_DIGITS:
            top += 1
            size += len(groups[top].digits)
        for j in range(top, i - 1, -1):
            part = groups[i : j + 1]
            digits = "".join(g.digits for g in part)
            if len(digits) < MIN_DIGITS:
                break
            e164 = _validate(digits, intl and i == 0, region)
            if e164 is None:
                continue
            seps = [text[a.end : b.start] for a, b in pairwise(part)]
            if context.looks_like_date([g.digits for g in part], seps):
                continue
            if _measure_after(part[-1].end, text):
                continue
            out.append(_finding(part, e164, norm, original, intl and i == 0, cue))
            i = j + 1
            found = True
            break
        if not found:
            i += 1
    return out


def _validate(digits: str, intl: bool, region: str | None) -> str | None:
    if intl:
        return e164_if_valid("+" + digits, None)
    if region:
        return e164_if_valid(digits, region)
    if digits.startswith("00"):
        return e164_if_valid("+" + digits[2:], None)
    return None


def _finding(
    part: list[Group], e164: str, norm: Normalised, original: str, intl: bool, cue: str
) -> Finding:
    start, end = norm.span(part[0].start, part[-1].end)
    if intl:
        # Include the "+" the writer typed, so the highlight shows the whole number.
        plus = original.rfind("+", max(0, start - 3), start)
        start = plus if plus >= 0 else start
    spelled = any(g.spelled for g in part)
    look = any(g.look for g in part)
    if spelled:
        rule, confidence = "phone.spelled", 0.8
    elif look:
        rule, confidence = "phone.lookalike", 0.8
    elif norm.changed_in(part[0].start, part[-1].end, original):
        rule, confidence = "phone.unicode", 0.85
    elif len(part) >= 6 and all(len(g.digits) == 1 for g in part):
        rule, confidence = "phone.spaced", 0.85
    else:
        rule, confidence = "phone.digits", 0.9
    if cue == "phone":
        confidence += 0.05
    if intl:
        confidence += 0.04
    return Finding("phone", e164, start, end, round(min(confidence, 0.99), 2), rule)


def _shortcodes(norm: Normalised, region: str | None) -> list[Finding]:
    if not region:
        return []
    out = []
    for match in _SHORTCODE.finditer(norm.low):
        code = match.group(1)
        try:
            valid = is_valid_short_number_for_region(parse(code, region), region)
        except NumberParseException:
            valid = False
        if valid:
            start, end = norm.span(match.start(1), match.end(1))
            out.append(Finding("phone", code, start, end, 0.4, "phone.shortcode"))
    return out
