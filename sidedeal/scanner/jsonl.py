"""``sidedeal scan``: JSONL in, JSONL out, one output line per input line, in order.

Input lines are ``{"id", "text", "country"}``; output lines are ``{"id", "findings": [...]}``. A
line that cannot be scanned (not JSON, not an object, no string ``text``, a non-string
``country``, a blank line) gives ``{"id": <id or null>, "line": n, "error": "..."}`` instead, so
a caller can always pair outputs with inputs by position and never loses the rest of a batch to
one bad line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from sidedeal.scanner.engine import DEFAULT_PLATFORM_DOMAINS, scan


def scan_stream(
    inp: TextIO, out: TextIO, *, platform_domains: Sequence[str] = DEFAULT_PLATFORM_DOMAINS
) -> None:
    """Scan every line of ``inp`` and write one result line per input line to ``out``."""
    domains = tuple(platform_domains)
    for number, line in enumerate(inp, start=1):
        out.write(json.dumps(scan_line(line, number, domains), ensure_ascii=False) + "\n")
    out.flush()


def scan_line(line: str, number: int, platform_domains: Sequence[str]) -> dict[str, Any]:
    """The output object for one input line (``number`` counts from 1)."""
    if not line.strip():
        return _error(None, number, "blank line")
    try:
        row = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        return _error(None, number, f"not valid JSON: {reason}")
    if not isinstance(row, dict):
        return _error(None, number, f"expected a JSON object, got {type(row).__name__}")
    ident = row.get("id")
    if not (ident is None or isinstance(ident, str | int | float)) or isinstance(ident, bool):
        ident = None
    text = row.get("text")
    if not isinstance(text, str):
        what = "missing" if "text" not in row else f"not a string ({type(text).__name__})"
        return _error(ident, number, f"'text' is {what}")
    country = row.get("country")
    if country is not None and not isinstance(country, str):
        return _error(ident, number, f"'country' is not a string ({type(country).__name__})")
    findings = scan(text, country or None, platform_domains=platform_domains)
    return {"id": ident, "findings": [f.to_dict() for f in findings]}


def _error(ident: object, number: int, message: str) -> dict[str, Any]:
    return {"id": ident, "line": number, "error": message}
