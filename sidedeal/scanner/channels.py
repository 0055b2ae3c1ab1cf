"""The "let's talk on WhatsApp" cue: a chat app named as the way to talk (rule ``cue.channel``).

A platform name alone is everyday talk ("I saw it on Instagram"); it is a circumvention cue when
it comes with a handle or number next to it, or in an invitation: "message me on", "add me on",
"my WhatsApp", "WhatsApp me", "continuiamo su", in the six languages. Not when negated, and not
when it is what a solicitation asks for ("send me your WhatsApp" is a solicitation).
"""

from __future__ import annotations

import re

from sidedeal.scanner.cues import NEGATED
from sidedeal.scanner.handles import is_chat_app
from sidedeal.scanner.model import Finding
from sidedeal.scanner.normalise import Normalised

_VERBS = (
    r"contact\w*|message|msg|text|write|call|reach|add|find|follow|dm|ping|chat|talk|move|continue"
    r"|switch|go|hit|catch|quicker|easier|faster|better|best|prefer|available|ecrivez|ecris"
    r"|ajoutez|ajoute|retrouvez|retrouve|suivez|suis|continuons|parlons|discutons|passons|joignable"
    r"|dispo|scriva|scrivi|scrivimi|trova|trovi|segui|seguimi|contatta\w*|continuiamo|sentiamoci"
    r"|aggiungi\w*|disponibile|passiamo|schreib\w*|meld\w*|erreich\w*|folg\w*|weiter\w*|adde"
    r"|escrib\w*|sigue\w*|seguimos|hablamos|agrega\w*|anade\w*|pasamos|stuur|bericht|volg|bel"
    r"|verder|spreek|praten|app"
)
_INVITE_BEFORE = re.compile(
    rf"(?:\b(?:{_VERBS})\b[^.!?\n]{{0,25}}\b(?:on|via|over|through|to|in|sur|par|su|per|auf|uber"
    rf"|bei|por|en|op)|\b(?:i'?m|i\s+am|je\s+suis|sono|bin|estoy|ik\s+zit|zit\s+ik)\s+(?:also\s+|aussi\s+|anche\s+"
    rf"|auch\s+|tambien\s+|ook\s+)?(?:on|sur|su|auf|en|op))\s+(?:the\s+)?$"
)
_INVITE_AFTER = re.compile(
    r"\s*(?:\b(?:me|us|only|uniquement|solo|soltanto|nur|alleen|solamente|please|pls|weiter\w*"
    r"|schreiben|kontaktieren)\b|\)|:)"
)


def channel_cues(
    norm: Normalised,
    mentions: list[tuple[str, int, int]],
    contacts: list[tuple[int, int]],
    solicitations: list[tuple[int, int]],
) -> list[Finding]:
    """Circumvention cues (rule ``cue.channel``) for chat apps named as the way to talk.

    ``mentions`` are platform names (normalised spans); ``contacts`` and ``solicitations`` are the
    original spans of phone/handle findings and of solicitation cues ("send me your WhatsApp" is a
    solicitation, not an invitation).
    """
    text = norm.low
    out: list[Finding] = []
    # Marks per character of the original text (one past its end too), so each mention is
    # checked in constant time: comparing every mention with every contact was quadratic.
    length = norm.original_length + 1
    asked, starts, ends = bytearray(length), bytearray(length), bytearray(length)
    for x, y in solicitations:
        asked[x:y] = b"\x01" * (y - x)
    for a_, b_ in contacts:
        starts[a_] = ends[b_] = 1
    for platform, a, b in mentions:
        if not is_chat_app(platform):
            continue
        start, end = norm.span(a, b)
        if asked[start]:
            continue
        if NEGATED.search(text, max(0, a - 25), a):
            continue
        # A contact ending at most 25 characters before the name, or starting at most 40 after.
        near = (
            ends.find(1, max(0, start - 25), start + 1) >= 0 or starts.find(1, end, end + 41) >= 0
        )
        invited = text.startswith("app", a)  # Dutch "app me": WhatsApp me
        invited = invited or bool(_INVITE_BEFORE.search(text, max(0, a - 60), a))
        invited = invited or bool(_INVITE_AFTER.match(text, b))
        invited = invited or text[max(0, a - 2) : a].strip().endswith("(")
        if near or invited:
            out.append(Finding("cue", "circumvention", start, end, 0.7, "cue.channel"))
    return out
