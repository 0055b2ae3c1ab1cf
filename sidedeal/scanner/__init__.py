"""The message scanner: contact details, payment details and off-platform cues in message text.

``scan(text, country)`` returns :class:`Finding` objects whose spans point into the original
text; ``finding_identifier`` turns a finding into the graph :class:`Identifier` it stands for, via
the same normalisation as profile fields (``sidedeal.identifiers.normalisers``).
"""

from sidedeal.scanner.engine import DEFAULT_PLATFORM_DOMAINS, scan
from sidedeal.scanner.model import KINDS, Finding, finding_identifier

__all__ = ["DEFAULT_PLATFORM_DOMAINS", "KINDS", "Finding", "finding_identifier", "scan"]
