"""Turn a run of tokens into digit groups: "soixante-dix-huit" -> "78", "double eight" -> "88".

A group is what a reader hears as one unit of a dictated number: a digit run as typed, one digit
word, a pair ("trente-quatre", "vierendertig", "treinta y cuatro"), a hundred ("eight hundred").
Phone candidates are built from whole groups only, so a number is never cut in the middle of
something the writer typed as one piece.
"""

from __future__ import annotations

from dataclasses import dataclass

from sidedeal.scanner.tokens import LOOK, NUM, WORD, Token


@dataclass(slots=True)
class Group:
    """Digits heard as one unit, with the normalised span they came from."""

    digits: str
    start: int
    end: int
    last: int  # index in the run of the group's last token
    spelled: bool = False
    look: bool = False


def _is(token: Token | None, cls: str) -> bool:
    return token is not None and token.kind == WORD and token.cls == cls


def _unit(token: Token | None, low: int = 0, high: int = 9) -> bool:
    return _is(token, "d") and token is not None and low <= token.val <= high


def to_groups(run: list[Token]) -> list[Group]:
    """Digit groups of ``run`` (a list of NUM/LOOK/WORD tokens), in order; filler and joiner
    words not consumed by a compound are separators and produce nothing."""
    groups: list[Group] = []
    i = 0
    while i < len(run):
        tok = run[i]
        if tok.kind in (NUM, LOOK):
            groups.append(Group(tok.text, tok.start, tok.end, i, look=tok.kind == LOOK))
            i += 1
            continue
        value, used = _word_value(run, i)
        if value is None:
            i += 1  # a filler, a stray joiner or multiplier: a separator
            continue
        groups.append(Group(value, tok.start, run[i + used - 1].end, i + used - 1, spelled=True))
        i += used
    return groups


def _word_value(run: list[Token], i: int) -> tuple[str | None, int]:
    """The digits spelled by the words starting at ``run[i]`` and how many tokens they use."""
    tok = run[i]
    nxt = run[i + 1] if i + 1 < len(run) else None
    nxt2 = run[i + 2] if i + 2 < len(run) else None
    if tok.kind != WORD:
        return None, 1
    if tok.cls == "mult":
        if _unit(nxt):
            assert nxt is not None
            return str(nxt.val) * tok.val, 2
        return None, 1
    if tok.cls == "d":
        # French "quatre-vingt(s)" is eighty, then like any tens word.
        if tok.val == 4 and nxt is not None and nxt.text in ("vingt", "vingts"):
            tens, used = _tens_value(run, i + 1, 80)
            return tens, used + 1
        if _is(nxt, "hund"):
            return _hundreds(run, i, i + 2, tok.val)
        # German and Dutch put the unit first: "vier und zwanzig", "vier en twintig".
        inverted = nxt is not None and nxt2 is not None and nxt.text in ("und", "en")
        if tok.val > 0 and inverted and _is(nxt, "join") and _is(nxt2, "tens") and nxt2 is not None:
            return str(nxt2.val + tok.val), 3
        return str(tok.val), 1
    if tok.cls == "teen":
        # French "dix-sept", "dix-huit", "dix-neuf".
        if tok.text == "dix" and _unit(nxt, 7, 9) and nxt is not None:
            return str(10 + nxt.val), 2
        return str(tok.val), 1
    if tok.cls == "tens":
        return _tens_value(run, i, tok.val)
    if tok.cls == "comp":
        return str(tok.val), 1
    if tok.cls == "hund":
        return _hundreds(run, i, i + 1, 1)
    return None, 1


def _tens_value(run: list[Token], i: int, tens: int) -> tuple[str, int]:
    """``tens`` (the word at ``run[i]``) with what completes it: a unit, "et"/"y" and a unit, or
    for French sixty/eighty a teen ("soixante-dix-huit" = 78)."""
    nxt = run[i + 1] if i + 1 < len(run) else None
    nxt2 = run[i + 2] if i + 2 < len(run) else None
    if tens in (60, 80):
        if nxt is not None and _is(nxt, "teen"):
            if nxt.text == "dix" and _unit(nxt2, 7, 9) and nxt2 is not None:
                return str(tens + 10 + nxt2.val), 3
            return str(tens + nxt.val), 2
        if _is(nxt, "join") and _is(nxt2, "teen") and nxt2 is not None:
            return str(tens + nxt2.val), 3  # "soixante et onze"
    if _is(nxt, "join") and _unit(nxt2, 1, 9) and nxt2 is not None:
        return str(tens + nxt2.val), 3
    if _unit(nxt, 1, 9) and nxt is not None:
        return str(tens + nxt.val), 2
    return str(tens), 1


def _hundreds(run: list[Token], start: int, after: int, hundreds: int) -> tuple[str, int]:
    """``hundreds`` x 100 plus an optional "and" and tens/teen/unit from ``run[after]`` on; returns
    the digits and the number of tokens used from ``run[start]``."""
    rest = 0
    k = after
    if k < len(run) and _is(run[k], "join"):
        k += 1
    word = run[k] if k < len(run) else None
    if word is not None and word.kind == WORD and word.cls in ("tens", "teen", "comp", "d"):
        if word.cls == "tens":
            value, step = _tens_value(run, k, word.val)
            rest = int(value)
        else:
            rest, step = word.val, 1
        end = k + step
    else:
        end = after  # a dangling "and" belongs to the sentence, not the number
    return str(hundreds * 100 + rest), end - start
