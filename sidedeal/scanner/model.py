"""What the scanner returns: findings with spans into the original text, and their identifiers."""

from __future__ import annotations

from dataclasses import dataclass

from sidedeal.identifiers import Identifier, identifier_of_finding

KINDS = ("phone", "email", "url", "handle", "payment", "cue")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found in a message.

    ``kind`` is phone, email, url, handle, payment or cue; ``value`` is normalised (phone E.164,
    email canonical, url its registrable domain, handle ``platform:handle``, payment ``iban:...``,
    a payout account or a method, cue its category). ``text[start:end]`` of the *original* text is
    the span an investigator sees highlighted. ``rule`` is a stable id so precision can be measured
    per rule; ``confidence`` is 0..1.
    """

    kind: str
    value: str
    start: int
    end: int
    confidence: float
    rule: str

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``sidedeal scan`` and of the findings stored on a message."""
        return {
            "kind": self.kind,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
            "rule": self.rule,
        }


def finding_identifier(finding: Finding) -> Identifier | None:
    """The graph identifier a finding stands for, or ``None`` for what links no accounts.

    The identifier registry (``sidedeal.identifiers.registry``) declares which findings stand for
    which kind: phone -> phone (short codes -> None: a service, not an account), email, url ->
    domain, handle, payment ``iban:...`` -> iban, payout accounts (sort code and account,
    PayPal.me, crypto wallets) -> payout. Payment methods ("zelle", "wire_direct") and cues ->
    None: they are stored on the message.
    """
    return identifier_of_finding(finding.kind, finding.value)
