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
from functools import lru_cache
from itertools import pairwise

from phonenumbers import NumberParseException, parse
from phonenumbers.shortnumberinfo import is_valid_short_number_for_region

from sidedeal.identifiers.normalisers import e164_if_valid
from sidedeal.scanner import context
from sidedeal.scanner.canon import MAX_GAP, joins
from sidedeal.scanner.groups import Group, to_groups
from sidedeal.scanner.model import Finding
from sidedeal.scanner.normalise import Normalised
from sidedeal.scanner.tokens import LOOK, NUM, WORD, Token, tokenise
from sidedeal.scanner.view import View
from sidedeal.scanner.words import NUMBER_WORDS

_RUN_WORDS = frozenset({"d", "teen", "tens", "comp", "hund", "mult", "join", "fill"})
_PLUS_BEFORE = re.compile(r"\+[ (]*$")
# Digit runs between characters that are not letters or digits, each within ``MAX_GAP`` of the
# next (a superset of what ``canon.joins`` allows); seven digits glued to a letter; a look-alike
# digit inside a word. All start with a digit, so a search skips to the digits (a pattern that
# starts with a lookbehind is tried at every position).
_CHAIN = re.compile(
    rf"[0-9](?<![a-z0-9][0-9])[0-9]*(?![a-z0-9])(?:[^a-z0-9]{{0,{MAX_GAP}}}[0-9]+(?![a-z0-9]))*"
)
# A 0 or 1 with two letters around it ("zer0", "0ne", "s1x"): a number word with look-alikes.
_DIGIT_IN_WORD = re.compile(r"[01](?:(?<=[a-z]{2}[01])|(?<=[a-z][01])[a-z]|[a-z]{2})")
_GLUED_SEVEN = re.compile(r"[0-9]{7}(?:(?<=[a-z][0-9]{7})|[a-z])")
_DIGITS = re.compile(r"[0-9]+")
# "text WIN to 87121", "txt the word CLAIM to No: 81010", "send STOP to 87239", "reply YES 2 83600"
# Each verb's "\b" before it is a lookbehind after it, so the search can skip to the verbs'
# first letters.
_SMS_VERB_ALTERNATIVES = ["text", "txt", "send", "sms", "reply", "rply", "msg", "texting", "txting"]
_SHORTCODE = re.compile(
    "(?:" + "|".join(rf"{verb}(?<!\w{verb})" for verb in _SMS_VERB_ALTERNATIVES) + ")"
    r"\b[^.!?\n]{0,40}?\b(?:to|on|2)[\s:]+(?:no\s*[.:]?\s*)?([0-9]{4,6})(?![0-9])"
)
MIN_DIGITS = 7
MAX_DIGITS = 17


_SMS_VERBS = frozenset(_SMS_VERB_ALTERNATIVES)
# Number words that can start or end a run (see ``_anchors``), and all that give digits.
ANCHOR_WORDS = frozenset(
    w for w, (cls, _) in NUMBER_WORDS.items() if cls in ("d", "teen", "tens", "comp", "mult")
)
_VALUE_WORDS = ANCHOR_WORDS | {w for w, (cls, _) in NUMBER_WORDS.items() if cls == "hund"}


def possible(view: View) -> bool:
    """Necessary for any phone finding: a run of seven digits, or a short code's four.

    A run's digits come from digit runs, number words (a group of them gives at most three:
    "eight hundred"), look-alike letters (in tokens of digits and O/o/l/I, whose letter runs are
    words of o, l and i) and number words glued to digits or to each other; whatever the text
    does not have cannot add up to seven. Without a digit, a run starts and ends with a number
    word (look-alike letters only count between two), so it needs two.
    """
    digits = view.digits
    if digits >= MIN_DIGITS or view.glued or view.exotic_digits:
        return True
    words = view.words
    if digits >= 4 and not words.isdisjoint(_SMS_VERBS):
        return True
    if digits == 0:
        # Words read through one edit count only between digits (``canon``): not here.
        stretched = view.stretched
        if ANCHOR_WORDS.isdisjoint(words) and not stretched:
            return False
        anchors = sum(w in ANCHOR_WORDS or w in stretched for w in view.wordlist)
        return anchors >= 2
    if view.glued_short:
        return True
    bound = digits
    if not _VALUE_WORDS.isdisjoint(words):
        bound += 3 * sum(map(_VALUE_WORDS.__contains__, view.wordlist))
    fuzzy = view.fuzzy
    if fuzzy:
        bound += 3 * sum(map(fuzzy.__contains__, view.wordlist))
    for word in view.looks:
        bound += len(word) * view.wordlist.count(word)
    return bound >= MIN_DIGITS


def find_phones(
    norm: Normalised, original: str, region: str | None, view: View | None = None
) -> list[Finding]:
    """Phone findings in ``original`` (via its normalised form), with ``region`` as default.
    ``view`` (see ``view``) lets it skip the short-code search and tokenise faster."""
    text = norm.text
    runs = _digit_runs(view, norm.low)
    if runs is None:
        tokens = tokenise(text, norm.low, view)
        runs = [tokens[first : last + 1] for first, last in _runs(tokens, text)]
    findings: list[Finding] = []
    for run in runs:
        # A group has at most three digits per word (see ``possible``): most runs are too short.
        if sum(len(t.text) if t.kind != WORD else 3 for t in run) < MIN_DIGITS:
            continue
        groups = to_groups(run)
        if sum(len(g.digits) for g in groups) < MIN_DIGITS:
            continue
        if context.code_around(text, run[0].start, run[-1].end):
            continue  # "HDW-14322-003", "72455640-4-2-Concord": a part or listing number
        before = context.words_before(text, run[0].start)
        cue = _cue_at(text, run[0].start, before)
        intl = bool(_PLUS_BEFORE.search(text[max(0, run[0].start - 3) : run[0].start]))
        if before and before[-1][0] == "plus":
            intl = intl or not text[before[-1][2] : run[0].start].strip()
        findings.extend(_candidates(groups, text, norm, original, region, intl, cue))
    if view is None or (view.digits >= 4 and not view.words.isdisjoint(_SMS_VERBS)):
        findings.extend(_shortcodes(norm, region))
    return findings


def _digit_runs(view: View | None, low: str) -> list[list[Token]] | None:
    """The runs (see ``_runs``) that may hold a number, found without tokenising every word,
    when every token of the text is a plain digit run; ``None`` otherwise.

    That is so for ASCII text with no number word (exact, stretched or one edit away), no word
    of look-alike letters, no glued number words (``view``), no seven digits glued to letters
    ("call09050000327") and no look-alike digit inside a word ("zer0", "51o"): then the tokens
    are the digit runs between characters that are not letters or digits. ``_CHAIN`` finds the
    stretches of text where digit runs follow each other with no letter between them, which
    hold every run; ``_runs`` then splits each into runs by the same rule as on the token path.
    Most messages with numbers are like this; building tokens for every word costs far more.
    """
    if view is None or view.plain is None or view.glued or view.glued_short or view.looks:
        return None
    if view.stretched or view.edited or not NUMBER_WORDS.keys().isdisjoint(view.words):
        return None
    plain_low = low if view.plain is view.text else view.plain.lower()
    if view.digits >= MIN_DIGITS and _GLUED_SEVEN.search(plain_low):
        return None
    if _DIGIT_IN_WORD.search(plain_low):
        return None
    runs: list[list[Token]] = []
    for chain in _CHAIN.finditer(plain_low):
        start, end = chain.span()
        if end - start < MIN_DIGITS:
            continue
        tokens = [
            Token(NUM, m.group(), m.start(), m.end())
            for m in _DIGITS.finditer(plain_low, start, end)
        ]
        if sum(len(t.text) for t in tokens) < MIN_DIGITS:
            continue
        for first, last in _runs(tokens, low):  # the gaps as written ("£", not "?")
            run = tokens[first : last + 1]
            if sum(len(t.text) for t in run) >= MIN_DIGITS:
                runs.append(run)
    return runs


def _runs(tokens: list[Token], text: str) -> list[tuple[int, int]]:
    """Index ranges of runs with at least one digit-bearing token."""
    runs: list[tuple[int, int]] = []
    start = -1
    for index, tok in enumerate(tokens):
        member = tok.kind in (NUM, LOOK) or (tok.kind == WORD and tok.cls in _RUN_WORDS)
        if member and start >= 0:
            prev = tokens[index - 1]
            word = WORD in (prev.kind, tok.kind)
            if not joins(text[prev.end : tok.start], prev.text, tok.text, word):
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
    return tok.kind == WORD and not tok.edited and tok.cls in ("d", "teen", "tens", "comp", "mult")


def _cue_at(text: str, start: int, before: list[tuple[str, int, int]] | None = None) -> str:
    """What the words before ``start`` say: "phone", "ref", "money" (a price or a measure) or
    "" (see ``context``); ``before``: the words before it, when the caller has them."""
    if before is None:
        before = context.words_before(text, start)
    cue = context.nearest_cue(before, start, text)
    if cue != "ref" and context.money_or_measure_before(before, start, text):
        return "money"
    return cue


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
    listed = context.small_numbers_listed([g.digits for g in groups])
    first_cue = cue
    i = 0
    while i < len(groups):
        found = False
        # A number that starts on a later line than its run has the context of its own line
        # ("$8000.00\n510.915.7244"); one on the run's line shares the run's.
        cue = first_cue
        if i and "\n" in text[groups[0].start : groups[i].start]:
            cue = _cue_at(text, groups[i].start)
        if listed or cue in ("ref", "money"):
            i += 1
            continue
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
            # Spelled digits are never a date's day, month or year ("six-nine-seven-1830").
            typed = [g.digits if not g.spelled else "" for g in part]
            if context.looks_like_date(typed, seps):
                continue
            if context.measure_after(part[-1].end, text):
                continue
            if context.series(groups, i, j, text) or context.reference_year(part, text):
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
        if _valid_short_code(code, region):
            start, end = norm.span(match.start(1), match.end(1))
            out.append(Finding("phone", code, start, end, 0.4, "phone.shortcode"))
    return out


@lru_cache(maxsize=4096)
def _valid_short_code(code: str, region: str) -> bool:
    """phonenumbers' short-number check, cached: spam repeats the same few codes."""
    try:
        return bool(is_valid_short_number_for_region(parse(code, region), region))
    except NumberParseException:
        return False


def clear_caches() -> None:
    """Forget the short codes checked."""
    _valid_short_code.cache_clear()
