"""The message scanner: contact details, payment details and off-platform cues in message text.

``scan(text, country)`` returns :class:`Finding` objects whose spans point into the original
text; ``finding_identifier`` turns a finding into the graph :class:`Identifier` it stands for, via
the same normalisation as profile fields (``sidedeal.identifiers.normalisers``).
``scan_result`` is ``scan`` with a cap on the findings kept per message, saying whether it was
hit and how many there were in all.
"""

from sidedeal.scanner.engine import (
    DEFAULT_MAX_FINDINGS,
    DEFAULT_PLATFORM_DOMAINS,
    ScanResult,
    cap_findings,
    scan,
    scan_result,
)
from sidedeal.scanner.model import KINDS, Finding, finding_identifier

__all__ = [
    "DEFAULT_MAX_FINDINGS",
    "DEFAULT_PLATFORM_DOMAINS",
    "KINDS",
    "Finding",
    "ScanResult",
    "cap_findings",
    "finding_identifier",
    "scan",
    "scan_result",
]
