"""URLs and bare domains; links to chat apps, social profiles and payment pages.

An outside website is reported as its registrable domain (``www.shop.example.co.uk/x`` ->
``example.co.uk``); the marketplace's own domains are not findings. A link that names an account
is reported as that account instead of as a website, because the account is what links people:
``wa.me/447...`` is a phone, ``t.me/x``, ``instagram.com/x``, ``m.me/x`` are handles,
``paypal.me/x`` is a payout account. Chat links (wa.me, t.me, m.me) open a conversation outside the
marketplace, so they also give a circumvention cue.

Bare domains (no scheme, no ``www.``) need more care than URLs: "e.g.", "fine.It" and
"tiara.zip" look like domains. A bare domain must end in a known public suffix typed in lower
case, and a suffix that is also a common word (.it, .me, .to, .in...) needs a longer name before it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from sidedeal.identifiers.normalisers import e164_if_valid, registrable_domain
from sidedeal.scanner.model import Finding
from sidedeal.scanner.normalise import Normalised
from sidedeal.scanner.view import View
from sidedeal.scanner.words import wordset

_URL = re.compile(
    r"(?<![\w@.\-/])(?P<scheme>https?://)?(?P<host>(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+"
    r"[a-z][a-z0-9\-]{1,23})(?::[0-9]{1,5})?(?P<path>/[^\s<>\"'()\[\]{}]*)?(?![\w@\-])",
    re.IGNORECASE,
)
# Without a scheme or "www.", only suffixes people actually type in a message count: the main
# generic ones, the trade's own (.art, .gallery, .watch...), and country codes. Newer generic
# suffixes (.love, .how, .now, .life) are mostly two words run together ("home.love u").
_BARE_GENERIC = wordset("""
    com net org info biz edu gov co io app dev shop store online site website art gallery design
    studio watch watches jewelry jewellery luxury auction gold diamonds fashion boutique market
    deals world global london paris berlin amsterdam nyc swiss eu asia blog page club live uk
    """)
# Country codes typed freely in running text; any other two-letter suffix ("pain.it will",
# "days.so you", "cherthala.in case") must end the phrase: end of text, punctuation or a path.
_TRUSTED_CC = wordset(
    "uk fr de nl ch es eu se dk fi pl pt ie gr cz ru jp cn hk sg ae au ca nz br mx ar za lu mc li "
    "tw kr"
)
_PHRASE_END = re.compile(r"(?:$|[,;:!?)\]\n/]|\.(?:\s|$))")
# Suffixes that are far more often file extensions in a message than websites.
_FILE_SUFFIXES = frozenset({"zip", "mov", "md", "py", "sh", "pdf", "jpg", "png"})
_PATH_HANDLE = re.compile(r"/@?([a-z0-9][a-z0-9._\-]{1,40})", re.IGNORECASE)
_NOT_PROFILES = wordset(
    "p reel reels explore stories share sharer groups pages marketplace watch events profile.php "
    "login home hashtag s joinchat addstickers"
)
# host -> (kind, platform); "chat" hosts also give a circumvention cue.
_LINK_HOSTS: dict[str, tuple[str, str]] = {
    "wa.me": ("phone", "whatsapp"),
    "api.whatsapp.com": ("phone", "whatsapp"),
    "t.me": ("handle", "telegram"),
    "telegram.me": ("handle", "telegram"),
    "m.me": ("handle", "facebook"),
    "instagram.com": ("handle", "instagram"),
    "instagr.am": ("handle", "instagram"),
    "facebook.com": ("handle", "facebook"),
    "fb.com": ("handle", "facebook"),
    "fb.me": ("handle", "facebook"),
    "snapchat.com": ("handle", "snapchat"),
    "venmo.com": ("handle", "venmo"),
    "cash.app": ("handle", "cashapp"),
    "paypal.me": ("payment", "paypal.me"),
}
_CHAT_HOSTS = frozenset({"wa.me", "api.whatsapp.com", "t.me", "telegram.me", "m.me"})


@lru_cache(maxsize=64)
def _platform_set(domains: tuple[str, ...]) -> frozenset[str]:
    out = set()
    for domain in domains:
        host = domain.strip().lower().removeprefix("www.")
        out.add(host)
        out.add(registrable_domain(host) or host)
    return frozenset(out)


# Every finding's host ends in a top-level domain of the public-suffix list (the copy bundled
# with ``publicsuffixlist``, which ``identifiers.registrable_domain`` reads): the maximal run of
# label characters after a dot, itself after a label character.
_TLDS = frozenset(
    line.strip().lstrip("!*.").rsplit(".", 1)[-1]
    for line in (resources.files("publicsuffixlist") / "public_suffix_list.dat")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("//")
)
_AFTER_DOT = re.compile(r"\.(?<=[a-z0-9]\.)([a-z][a-z0-9\-]*)")
_SPACE = re.compile(r"\s")


def possible(view: View) -> bool:
    """Necessary for any link finding: a known top-level domain after a dot."""
    return "." in view.text and dotted(view.low)


def dotted(low: str) -> bool:
    """True when the lower-case text has a known top-level domain after a dot."""
    return any(label in _TLDS or label.startswith("xn--") for label in _AFTER_DOT.findall(low))


def _dotted_chunks(text: str) -> list[tuple[int, int]]:
    """The spans of the whitespace-free stretches of ``text`` that hold a dot. A match of ``_URL``
    has a dot and no whitespace, so it lies inside one of them; searching only these gives the
    same matches in the same order."""
    chunks: list[tuple[int, int]] = []
    end = 0
    dot = text.find(".")
    while dot >= 0:
        start = dot
        while start > end and not text[start - 1].isspace():
            start -= 1
        space = _SPACE.search(text, dot)
        end = space.start() if space else len(text)
        chunks.append((start, end))
        dot = text.find(".", end)
    return chunks


def find_links(norm: Normalised, platform_domains: tuple[str, ...]) -> list[Finding]:
    """URL, domain, and link-derived phone/handle/payout findings, plus chat-link cues."""
    platform = _platform_set(platform_domains)
    findings: list[Finding] = []
    matches = (m for a, b in _dotted_chunks(norm.text) for m in _URL.finditer(norm.text, a, b))
    for match in matches:
        host = match.group("host").lower()
        scheme = match.group("scheme")
        path = (match.group("path") or "").rstrip(".,;:!?)")
        bare = scheme is None and not host.startswith("www.")
        host = host.removeprefix("www.")
        if bare and host not in _LINK_HOSTS and host.split(".", 1)[-1] not in _LINK_HOSTS:
            # Cheap checks first: most dotted words in chat are sentences run together.
            followed = norm.text[match.end("host") : match.end("host") + 2]
            if not _plausible_bare(match.group("host"), host, followed):
                continue
        registrable = registrable_domain(host)
        if registrable is None:
            continue
        end = match.start("path") + len(path) if path else match.end("host")
        start, stop = norm.span(match.start(), end)
        link_host = host if host in _LINK_HOSTS else registrable
        if link_host in _LINK_HOSTS:
            linked = _from_link(link_host, path, start, stop)
            if linked:
                findings.extend(linked)
                continue
        if host in platform or registrable in platform:
            continue
        rule, confidence = ("url.bare", 0.8) if bare else ("url.link", 0.95)
        findings.append(Finding("url", registrable, start, stop, confidence, rule))
    return findings


def _plausible_bare(typed: str, host: str, followed: str) -> bool:
    labels = host.split(".")
    suffix = labels[-1]
    typed_suffix = typed.rsplit(".", 1)[-1]
    if typed_suffix != typed_suffix.lower() and typed != typed.upper():
        return False  # "fine.It was": a sentence run together, not a domain
    if typed == typed.upper() and suffix not in ("com", "net", "org", "uk", "biz", "info"):
        return False  # "LIKING.BE": shouting, not a domain
    if suffix in _FILE_SUFFIXES or any(len(label) < 2 for label in labels[:-1]):
        return False
    if len(suffix) == 2:
        # A hyphen or digit in the name ("maison-dubois.be") never comes from running two words
        # together, so it is a domain wherever it stands.
        named = any(ch in "-0123456789" for ch in labels[-2])
        return suffix in _TRUSTED_CC or named or bool(_PHRASE_END.match(followed))
    return suffix in _BARE_GENERIC


def _from_link(host: str, path: str, start: int, stop: int) -> list[Finding]:
    kind, platform = _LINK_HOSTS[host]
    cue = [Finding("cue", "circumvention", start, stop, 0.8, "cue.chat_link")]
    chat = host in _CHAT_HOSTS
    if kind == "phone":
        digits = re.sub(r"\D", "", path.split("text=", 1)[0])
        e164 = e164_if_valid("+" + digits, None) if digits else None
        if e164 is None:
            return []
        return [Finding("phone", e164, start, stop, 0.95, "phone.wa_link"), *cue]
    segments = [s for s in path.split("/") if s]
    if host == "snapchat.com" and segments[:1] == ["add"]:
        segments = segments[1:]
    if host == "venmo.com" and segments[:1] == ["u"]:
        segments = segments[1:]
    if not segments:
        return []
    match = _PATH_HANDLE.match("/" + segments[0].lstrip("$"))
    if match is None or match.group(1).lower() in _NOT_PROFILES:
        return []
    name = match.group(1).lower().rstrip("._-")
    if kind == "payment":
        return [Finding("payment", f"paypal.me:{name}", start, stop, 0.95, "payment.paypal_me")]
    found = [Finding("handle", f"{platform}:{name}", start, stop, 0.95, "handle.link")]
    return found + cue if chat else found
