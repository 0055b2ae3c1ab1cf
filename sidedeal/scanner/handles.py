"""Messaging and social handles, and the "let's talk on WhatsApp" circumvention cue.

Platforms: WhatsApp, WeChat, Telegram, Signal, Instagram, Facebook/Messenger (one platform,
``facebook``), Line, Skype, Snapchat, Viber; and the payment apps whose usernames are payout
identities (Venmo, Cash App, Revolut).

A handle is the token after a platform name ("Telegram: @x", "my WeChat ID is x", "insta @x",
"snap me, x"), an ``@handle`` naming a platform after it ("@x on Telegram"), or a bare ``@handle``
(platform ``unknown`` unless the message names exactly one platform). A plain word after a platform
name is taken only when the writer marks it as a name (``@``, ``:``, "ID", "is", "as") or it has the
digits, dots or underscores of a username, so "WhatsApp me tomorrow" gives no handle.

A WhatsApp/Signal/Telegram/Viber "handle" that is a phone number gives a phone finding (from the
phone detector) and no handle: on those apps the number *is* the account, and one identifier per
account keeps the graph's links in one place. The platform is not lost: the circumvention cue
(rule ``cue.channel``, see ``channels``) is raised for a platform named next to a handle or
number, or in an invitation ("message me on", "add me on", "my WhatsApp", "WhatsApp me",
"continuiamo su").
"""

from __future__ import annotations

import re
from bisect import bisect_left

from sidedeal.identifiers.normalisers import PLATFORM_ALIASES
from sidedeal.scanner.anchors import Anchors
from sidedeal.scanner.model import Finding
from sidedeal.scanner.normalise import Normalised
from sidedeal.scanner.words import NUMBER_WORDS, wordset

_PLATFORM = re.compile(
    r"(?<![\w./@])(?:"
    r"(?P<whatsapp>whats\s?app|whatsap|watsapp|watsap|wassap|whatapp|wa(?=\s*:)|app(?=\s+(?:me|ons)\b))"
    r"|(?P<wechat>we\s?chat|weixin|wx(?=\s*:))"
    r"|(?P<telegram>telegramm?|tg(?=\s*:))"
    r"|(?P<signal>signal)"
    r"|(?P<instagram>instagram|insta|ig)"
    r"|(?P<facebook>facebook|messenger|fb)"
    r"|(?P<line>line(?=\s*(?:id\b|app\b)))"
    r"|(?P<skype>skype)"
    r"|(?P<snapchat>snapchat|snap(?=\s*(?::|me\b|chat\b))|sc(?=\s*:))"
    r"|(?P<viber>viber)"
    r"|(?P<venmo>venmo)|(?P<cashapp>cash\s?app)|(?P<revolut>revolut)"
    r")(?![\w]|\.[a-z])"
)
# "LINE" in capitals is the app; "line" in lower case is usually just a line.
_LINE_CAPS = re.compile(r"(?<![\w./@])LINE(?![\w]|\.[a-z])")
# Words one of which every platform name needs (capitalised "LINE" is checked apart). With
# none of them and no "@", there is no handle and no platform mention.
ANCHORS = Anchors(
    "whatsapp|whats|watsapp|whatsap|watsap|wassap|whatapp|wechat|weixin|telegram|telegramm|signal|"
    "instagram|insta|ig|facebook|messenger|fb|skype|snapchat|snap|viber|venmo|cashapp|revolut|"
    "we+chat|cash+app|wa|tg|wx|sc|app+(me ons)|line+(id app)"
)
_CHAT_APPS = wordset("whatsapp wechat telegram signal instagram facebook line skype snapchat viber")
_INTRO = re.compile(
    r"(?:\s|[:=\-,]|\bme\b|\bus\b|\bmy\b|\bid\b|\bhandle\b|\busername\b|\buser\s?name\b|\bname\b"
    r"|\baccount\b|\bis\b|\bas\b|\bcome\b|\bcomo\b|\bcomme\b|\bals\b|\bc'est\b|\best\b|\bist\b"
    r"|\bes\b|\be\b|\bat\b|\bon\b)*"
)
# ":" or "ID" mark what follows as a name; "is"/"as" only with a username's dots, digits or "_".
_MARKED = re.compile(r"[:=]|\b(?:id|handle|username|user\s?name)\b")
_LOOKALIKE_DIGITS = re.compile(r"[0-9oli]*[0-9][0-9oli]*")
_HANDLE = re.compile(r"(?P<at>[@$])?(?P<name>[a-z0-9][a-z0-9._\-]{1,39}(?::[a-z0-9._\-]{2,40})?)")
_BARE = re.compile(r"(?<![\w.@$])@(?P<name>[a-z0-9_][a-z0-9._\-]{2,29})(?![\w@])")
_ON_AFTER = re.compile(r"\s+(?:on|via|sur|su|auf|en|op|at)\s+$")
_STOP = wordset("""
    me us only please pls plz or and the if is it at on my to for now too also here there today
    tomorrow later instead then thanks thank id name number no ok yes account video call chat group
    app more message messages mi moi mich mir te je ik jij u du sie ich mio mia mon ma mein meine
    mijn su sur auf op via per en come como comme als et und y o ou oder of aussi auch ook tambien
    anche pure gerne solo uniquement nur alleen solamente soltanto quicker easier better best faster
    with from just any all your you our their this that what where when who how please plus
    """)


def _platform_of(match: re.Match[str]) -> str:
    name = match.lastgroup or "unknown"
    return PLATFORM_ALIASES.get(name, name)


def find_handles(norm: Normalised) -> tuple[list[Finding], list[tuple[str, int, int]]]:
    """Handle findings, and every platform mention as ``(platform, start, end)`` in the normalised
    text (the cue detector decides which of them invite contact)."""
    text = norm.low  # patterns are lower-case; offsets are those of the normalised text
    mentions = [(_platform_of(m), m.start(), m.end()) for m in _PLATFORM.finditer(text)]
    if "LINE" in norm.text:
        mentions += [("line", m.start(), m.end()) for m in _LINE_CAPS.finditer(norm.text)]
        mentions.sort(key=lambda mention: mention[1])
    findings: list[Finding] = []
    # Characters of named handles, marked: a bare "@x" inside one is that handle.
    taken = bytearray(len(text))
    for platform, _, end in mentions:
        found = _after_keyword(text, end)
        if found is None:
            continue
        name, a, b = found
        taken[a:b] = b"\x01" * (b - a)
        start, stop = norm.span(a, b)
        findings.append(Finding("handle", f"{platform}:{name}", start, stop, 0.9, "handle.named"))
    chat_platforms = {p for p, _, _ in mentions}
    mention_starts = [a for _, a, _ in mentions]
    for match in _BARE.finditer(text):
        a, b = match.span()
        if taken[a]:
            continue
        name = match.group("name").rstrip("._-").lower()
        platform, confidence = _bare_platform(text, b, mentions, mention_starts, chat_platforms)
        start, stop = norm.span(a, a + 1 + len(name))
        findings.append(
            Finding("handle", f"{platform}:{name}", start, stop, confidence, "handle.at")
        )
    return findings, mentions


def _after_keyword(text: str, end: int) -> tuple[str, int, int] | None:
    intro = _INTRO.match(text, end)
    position = intro.end() if intro else end
    between = text[end:position]
    match = _HANDLE.match(text, position)
    if match is None or match.start() - end > 30:
        return None
    if text[match.end() : match.end() + 1] == "/":
        return None  # a link: the link detector reads the account out of its path
    name = match.group("name").rstrip("._-:")
    low = name.lower()
    if low in _STOP or low in NUMBER_WORDS or not any(ch.isalpha() for ch in low):
        return None
    if sum(ch.isdigit() for ch in low) >= 7 and not low.startswith("wxid"):
        return None  # a phone number: the phone detector reports it
    if _LOOKALIKE_DIGITS.fullmatch(low):
        return None  # "O52 59l 3757": digits with look-alike letters, also a phone
    marked = match.group("at") is not None or _MARKED.search(between) is not None
    if not marked and not any(ch in low for ch in "._0123456789"):
        return None
    start = match.start()
    return low, start, start + (1 if match.group("at") else 0) + len(name)


def _bare_platform(
    text: str,
    end: int,
    mentions: list[tuple[str, int, int]],
    starts: list[int],
    platforms: set[str],
) -> tuple[str, float]:
    """The platform of a bare "@x" ending at ``end``: one named right after it ("@x on
    Telegram"), else the only one the message names. ``starts`` are the mentions' starts, in
    order: only the mentions starting within 12 characters after it are looked at."""
    for index in range(bisect_left(starts, end), bisect_left(starts, end + 12)):
        platform, a, _ = mentions[index]
        if _ON_AFTER.fullmatch(text[end:a] + " "):
            return platform, 0.85
    if len(platforms) == 1:
        return next(iter(platforms)), 0.7
    return "unknown", 0.6


def is_chat_app(platform: str) -> bool:
    """True for a messaging/social platform (a channel off the marketplace), not a payment app."""
    return platform in _CHAT_APPS
