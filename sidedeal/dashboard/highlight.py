"""Findings highlighted in place: a message body as HTML with each scanner span marked by kind.

The pair endpoint sends each finding's ``start``/``end`` as code-point offsets into the body (the
same offsets hold for a viewer's masked body, whose spans are starred out at the same length), so
the explorer marks exactly the text the scanner read rather than searching for the value again,
which would miss "seven one eight..." or mark an innocent repeat. Everything else is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

# One colour per finding kind the scanner emits (DESIGN.md: phone, email, url, handle, payment,
# cue); pale enough that the text stays readable, distinct enough to tell apart at a glance.
COLOURS: dict[str, str] = {
    "phone": "#ffb4a2",
    "email": "#a0e7a0",
    "handle": "#9bd3ff",
    "url": "#d4b8ff",
    "payment": "#ffd966",
    "cue": "#f2f2a0",
}
OTHER = "#dddddd"
LABELS: dict[str, str] = {
    "phone": "phone",
    "email": "email",
    "handle": "handle",
    "url": "link",
    "payment": "payment",
    "cue": "off-platform cue",
}


def spans(body: str, findings: Iterable[Mapping[str, Any]]) -> list[tuple[int, int, str, str]]:
    """``(start, end, kind, title)`` for findings that fit the body, without overlaps.

    A contact detail often sits inside a cue ("call me on 0791..."): the earlier span wins and a
    span overlapping it is dropped, so marks never nest and the body is never cut twice.
    """
    found: list[tuple[int, int, str, str]] = []
    for finding in findings:
        try:
            start, end = int(finding["start"]), int(finding["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if not 0 <= start < end <= len(body):
            continue
        kind = str(finding.get("kind") or "finding")
        title = f"{LABELS.get(kind, kind)}: {finding.get('value', '')}"
        if finding.get("rule"):
            title += f" (rule {finding['rule']}"
            confidence = finding.get("confidence")
            title += f", confidence {float(confidence):.2f})" if confidence is not None else ")"
        found.append((start, end, kind, title))
    found.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str, str]] = []
    for span in found:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def highlight(body: str, findings: Iterable[Mapping[str, Any]]) -> str:
    """The body as HTML: escaped text, with ``<mark class="sd-finding sd-<kind>">`` per span."""
    parts: list[str] = []
    cursor = 0
    for start, end, kind, title in spans(body, findings):
        parts.append(html.escape(body[cursor:start]))
        colour = COLOURS.get(kind, OTHER)
        parts.append(
            f'<mark class="sd-finding sd-{html.escape(kind)}" data-kind="{html.escape(kind)}" '
            f'title="{html.escape(title)}" style="background:{colour};padding:0 2px;'
            f'border-radius:3px">{html.escape(body[start:end])}</mark>'
        )
        cursor = end
    parts.append(html.escape(body[cursor:]))
    return "".join(parts).replace("\n", "<br>")


def legend() -> str:
    """A one-line HTML legend of the colours."""
    items = [
        f'<mark style="background:{colour};padding:0 4px;border-radius:3px">{LABELS[kind]}</mark>'
        for kind, colour in COLOURS.items()
    ]
    return "Findings: " + " ".join(items)
