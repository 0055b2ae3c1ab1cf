"""Email addresses, plain and masked: ``name at domain dot com``, ``[at]``, ``(dot)``, ``_at_``,
``"At"``, ``<dOt>``, ``d0t``, spaces around ``@``, the at/dot words of the six languages
(arobase, chiocciola, arroba, Klammeraffe, apenstaartje; point, punto, Punkt, punt) and letters
spaced one by one ("m e @ g r a n t . c o m").

A match is kept only when its domain ends in a known public suffix (offline list), which is what
separates "jsmith at yahoo dot co dot uk" from "I'll be at the fair dot dot dot". The plain word
"at" is the riskiest form ("look at christies.com"), so after it the local part must not be an
ordinary English word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from sidedeal.identifiers.normalisers import normalise_email, registrable_domain
from sidedeal.scanner.model import Finding
from sidedeal.scanner.normalise import Normalised
from sidedeal.scanner.view import View
from sidedeal.scanner.words import wordset

_OPEN = r"[\[\(\{<\"'_]"
_CLOSE = r"[\]\)\}>\"'_]"
_AT_WORDS = r"at|arobase|arrobe|arroba|chiocciola|klammeraffe|apenstaartje|aapje"
_DOT_WORDS = r"dot|d0t|point|punto|punkt|punt"
_AT = (
    # "name @ domain" and "name@ domain", but not "name @domain": that is a handle after a word.
    rf"(?P<at>@\s*|\s+@\s+|\s*{_OPEN}\s*(?:{_AT_WORDS}|@)\s*{_CLOSE}\s*|\s+(?:{_AT_WORDS})\s+)"
)
_DOT = rf"(?:\.|\s+\.\s+|\s*{_OPEN}\s*(?:{_DOT_WORDS}|\.)\s*{_CLOSE}\s*|\s+(?:{_DOT_WORDS})\s+)"
_ATOM = r"[a-z0-9_+\-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_EMAIL = re.compile(
    rf"(?<![a-z0-9_+.\-@'])(?P<local>{_ATOM}(?:{_DOT}{_ATOM})*){_AT}"
    rf"(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})+)(?!\s*@)",
    re.IGNORECASE,
)
_DOT_SPLIT = re.compile(_DOT, re.IGNORECASE)
# Necessary parts of every match, cheap to look for in the lower-case text: "@" or an at-word
# (each pattern starts with it, so the search skips to it), the domain's first label, a dot and
# the first character of the next label. The label takes every label character, so nothing
# backtracks.
_QUICK_END = (
    rf"\s*[a-z0-9][a-z0-9\-]*+(?:\.|\s+\.\s+|\s*{_OPEN}\s*(?:{_DOT_WORDS}|\.)\s*{_CLOSE}\s*"
    rf"|\s+(?:{_DOT_WORDS})\s+)[a-z0-9]"
)
_QUICK_SIGN = re.compile(rf"@\s*(?:{_CLOSE}\s*)?" + _QUICK_END[3:])
_QUICK_WORDS = {
    word: re.compile(rf"{word}(?:\s*{_CLOSE}|\s)" + _QUICK_END) for word in _AT_WORDS.split("|")
}
_SPACED = re.compile(
    r"(?<!\S)(?:[a-z0-9._+\-] ){1,40}@(?: [a-z0-9.\-]){4,120}(?!\S)", re.IGNORECASE
)
_PLAIN_AT_WORD = re.compile(r"\s+at\s+", re.IGNORECASE)
_DOT_WORD = re.compile(rf"\b(?:{_DOT_WORDS})\b|[\[\(\{{<]", re.IGNORECASE)
_SPELLED = re.compile(r"[a-z0-9](?:-[a-z0-9]){2,}", re.IGNORECASE)
# Mail providers whose domain people leave out or shorten ("name@gmail", "name at Yahoo").
PROVIDER_DOMAINS = {
    "gmail": "gmail.com", "yahoo": "yahoo.com", "hotmail": "hotmail.com",
    "outlook": "outlook.com", "aol": "aol.com", "icloud": "icloud.com", "comcast": "comcast.net",
    "sbcglobal": "sbcglobal.net", "msn": "msn.com", "ymail": "ymail.com", "live": "live.com",
    "protonmail": "protonmail.com", "gmx": "gmx.com", "att": "att.net", "verizon": "verizon.net",
    "earthlink": "earthlink.net", "mac": "mac.com", "me": "me.com",
}  # fmt: skip
PROVIDERS = frozenset(PROVIDER_DOMAINS)
_SUFFIX_WORDS = "edu|gov|org|com|net"
# "name@gmail", "name at Yahoo" (a provider named without its suffix; not "me", "live", "mac"
# or "att" alone, which are words), "name at dept school edu" (the domain's labels spaced).
_NAMED_PROVIDERS = "gmail|yahoo|hotmail|outlook|aol|icloud|comcast|sbcglobal|msn|ymail|protonmail"
_INCOMPLETE = re.compile(
    rf"(?<![a-z0-9_+.\-@'])(?P<local>{_ATOM}(?:{_DOT}{_ATOM})*)"
    rf"(?P<at>\s*@\s*|\s*{_OPEN}\s*(?:at|@)\s*{_CLOSE}\s*|\s+at\s+)"
    rf"(?:(?P<provider>{_NAMED_PROVIDERS})(?![a-z0-9\-@])(?!\s*(?:\.|\(|\[|dot\b))"
    rf"|(?P<spaced>(?:[a-z0-9][a-z0-9\-]*\s+){{1,3}}(?:{_SUFFIX_WORDS}))\b(?![.@]))",
    re.IGNORECASE,
)

# Words that stand before "at" in ordinary prose; as a local part after a plain "at" they mean
# the sentence, not an address ("look at", "sold at", "available at").
_PROSE_BEFORE_AT = wordset("""
    a am an and are arrive arrived arriving as at available back based be been being best bought
    but buy by can come delivered do find for from get go going good great here him home i in is
    it its just listed live located look looked looking me meet meeting more now of offered on
    only open or our out over paid pick picked price priced priced sale see seen sell selling
    shop shown sold start starting starts stay staying still stop that the them then there they
    this to up us valued was we were what where which while who why will with work working you
    your estimated auction auctioned exhibited framed hung appraised insured
    """)


AT_WORDS = wordset(_AT_WORDS.replace("|", " "))
DOT_WORDS = wordset(_DOT_WORDS.replace("|", " "))


_QUICK_INCOMPLETE = re.compile(
    rf"(?:@|(?<![a-z0-9])at(?![a-z0-9]))\W{{0,4}}(?:(?:{_NAMED_PROVIDERS})(?![a-z0-9])"
    rf"|(?:[a-z0-9][a-z0-9\-]*\s+){{1,3}}(?:{_SUFFIX_WORDS})(?![a-z0-9]))"
)


def possible(view: View) -> bool:
    """Necessary for any email finding: "@" or an at-word ("at", "arobase"...; a whole word)
    followed by the start of a domain, or letters spaced out around " @ ", or "@"/"at" before
    a provider's name or spaced labels ending in a suffix (``_INCOMPLETE``)."""
    if "@" in view.text and (" @ " in view.text or _QUICK_SIGN.search(view.low) is not None):
        return True
    if ("@" in view.text or "at" in view.words) and _QUICK_INCOMPLETE.search(view.low):
        return True
    return _quick_words(view.low, AT_WORDS.intersection(view.words))


def _quick_words(low: str, at_words: Iterable[str]) -> bool:
    return any(_QUICK_WORDS[word].search(low) is not None for word in at_words)


def possible_without_at_sign(low: str, words: AbstractSet[str]) -> bool:
    """``possible`` for a text without "@" (``low``: its lower-case form, ``words``: its words)."""
    if "at" in words and _QUICK_INCOMPLETE.search(low):
        return True
    return _quick_words(low, AT_WORDS.intersection(words))


def find_emails(norm: Normalised, original: str) -> list[Finding]:
    """Email findings in ``original`` (matched on its normalised form)."""
    text = norm.text
    findings: list[Finding] = []
    position = 0
    low = norm.low
    if _QUICK_SIGN.search(low) is None and not _quick_words(low, _QUICK_WORDS):
        position = len(text) + 1
    while position <= len(text) and (match := _EMAIL.search(text, position)) is not None:
        found = _from_match(match, norm, original)
        if found is None:
            # "me at john.smith@gmail.com": the rejected "me at john.smith" must not hide the
            # address that starts inside it, so look again from the next character.
            position = match.start() + 1
            continue
        findings.append(found)
        position = match.end()
    findings += _incomplete(norm, findings)
    if " @ " in text:
        for match in _SPACED.finditer(text):
            collapsed = match.group().replace(" ", "")
            inner = _EMAIL.fullmatch(collapsed)
            if inner is None:
                continue
            address = _from_parts(inner.group("local"), inner.group("domain"))
            if address is not None:
                start, end = norm.span(match.start(), match.end())
                findings.append(Finding("email", address, start, end, 0.8, "email.spaced_letters"))
    return findings


def _incomplete(norm: Normalised, found: list[Finding]) -> list[Finding]:
    """Addresses written without their domain's suffix or dots (see ``_INCOMPLETE``), where no
    complete address was found (rule ``email.incomplete``)."""
    out: list[Finding] = []
    taken = bytearray(norm.original_length)
    for f in found:
        taken[f.start : f.end] = b"\x01" * (f.end - f.start)
    for match in _INCOMPLETE.finditer(norm.text):
        start, end = norm.span(match.start(), match.end())
        if taken.find(1, start, end) >= 0:
            continue
        local, local_start = _without_leading_number(match.group("local"), match.start("local"))
        provider = match.group("provider")
        if provider is not None:
            domain = PROVIDER_DOMAINS[provider.lower()]
        else:
            domain = ".".join(match.group("spaced").lower().split())
        plain = _PLAIN_AT_WORD.fullmatch(match.group("at")) is not None
        if plain and not _plain_at_plausible(local, domain.replace(".", " dot ")):
            continue
        value = _from_parts(local, domain)
        if value is not None:
            start, end = norm.span(local_start, match.end())
            out.append(Finding("email", value, start, end, 0.7, "email.incomplete"))
    return out


def _from_match(match: re.Match[str], norm: Normalised, original: str) -> Finding | None:
    at = match.group("at")
    local, local_start = _without_leading_number(match.group("local"), match.start("local"))
    domain_text = match.group("domain")
    if _PLAIN_AT_WORD.fullmatch(at) is not None and not _plain_at_plausible(local, domain_text):
        return None
    plain_word = _PLAIN_AT_WORD.fullmatch(at) is not None
    if plain_word and not _DOT_WORD.search(domain_text) and not _mailbox_like(local, domain_text):
        return None  # "find me at example.com", "Server at example.org": a website
    labels = _DOT_SPLIT.split(domain_text)
    # Trim trailing labels that are not part of the address ("gmail.com.Thanks").
    domain_end = match.end()
    while len(labels) >= 2 and registrable_domain(".".join(labels).lower()) is None:
        last_dot = list(_DOT_SPLIT.finditer(domain_text))
        if not last_dot:
            return None
        domain_text = domain_text[: last_dot[-1].start()]
        domain_end = match.start("domain") + len(domain_text)
        labels = labels[:-1]
    if len(labels) < 2:
        return None
    value = _from_parts(local, ".".join(labels))
    if value is None:
        return None
    rule, confidence = _rule(match, domain_text, norm, original)
    if plain_word and _DOT_SPLIT.search(domain_text.replace(".", "")) is None:
        confidence = 0.75  # "name at site.com": plausible, but prose can read the same way
    start, end = norm.span(local_start, domain_end)
    return Finding("email", value, start, end, confidence, rule)


def _without_leading_number(local: str, start: int) -> tuple[str, int]:
    """``local`` without leading atoms of digits joined to the rest by a *spaced* dot, and its
    new start: "Updated 2008 . name @ x.com" has the year before a sentence's full stop, not in
    the mailbox."""
    while True:
        first = _DOT_SPLIT.search(local)
        if first is None or not local[: first.start()].isdigit() or first.group() == ".":
            return local, start
        local, start = local[first.end() :], start + first.end()


def _mailbox_like(local: str, domain: str) -> bool:
    """After a plain "at" and a domain typed with its dots, the words read as an address only
    when the name has a mailbox's digits or punctuation, or the domain is a mail provider's:
    "jsmith at gmail.com", "j.smith at example.com", not "available at example.com"."""
    if any(ch in local for ch in "0123456789._+-"):
        return True
    registrable = registrable_domain(domain.lower().replace(" ", ""))
    return registrable is not None and registrable.split(".")[0] in PROVIDERS


def _plain_at_plausible(local: str, domain: str) -> bool:
    """The bare English "at" is everywhere in prose ("at some point so", "blogging at x.com",
    "asleep at 5.I'm"), so after it the address must read like one: the local part is not a
    prose word, the dots are "." or "dot" (not "point"), and the domain is in one case."""
    low = local.lower()
    single_word = "." not in local and _DOT_SPLIT.search(local) is None
    prose = low in _PROSE_BEFORE_AT or (low.isalpha() and low.endswith(("ing", "ed")))
    if single_word and prose:
        return False
    words = {m.group().strip(" []{}()<>\"'_").lower() for m in _DOT_SPLIT.finditer(domain)}
    if words - {".", "dot", "d0t"}:
        return False
    labels = [label for label in _DOT_SPLIT.split(domain) if label]
    if not (domain == domain.lower() or domain == domain.upper()):
        bare_labels = "".join(labels)
        if not (bare_labels == bare_labels.lower() or bare_labels == bare_labels.upper()):
            return False
    return len(labels) >= 2 and any(ch.isalpha() for ch in labels[-2])


def _from_parts(local: str, domain: str) -> str | None:
    # "j-o-h-n": letters spelled one by one are the name "john".
    atoms = [a.replace("-", "") if _SPELLED.fullmatch(a) else a for a in _DOT_SPLIT.split(local)]
    atoms = [a for a in atoms if a]
    if not atoms:
        return None
    address = ".".join(atoms) + "@" + domain
    if registrable_domain(domain.lower()) is None:
        return None
    ident = normalise_email(address)
    return ident.value if ident is not None and ident.valid else None


def _rule(
    match: re.Match[str], domain_text: str, norm: Normalised, original: str
) -> tuple[str, float]:
    at = match.group("at")
    separators = [at, *(m.group() for m in _DOT_SPLIT.finditer(match.group("local")))]
    separators += [m.group() for m in _DOT_SPLIT.finditer(domain_text)]
    if any(re.search(_OPEN, s.strip()[:1] or " ") for s in separators):
        return "email.bracketed", 0.9
    if any(s.strip() not in ("@", ".") for s in separators):
        return "email.at_dot_words", 0.85
    if at.strip() != at:
        return "email.spaced_at", 0.9
    if norm.changed_in(match.start(), match.end(), original):
        return "email.unicode", 0.9
    return "email.plain", 0.95
