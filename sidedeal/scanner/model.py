"""What the scanner returns: findings with spans into the original text, and their identifiers."""

from __future__ import annotations

from dataclasses import dataclass

from sidedeal.identifiers.normalisers import Identifier, normalise_domain, normalise_iban

KINDS = ("phone", "email", "url", "handle", "payment", "cue")

# Payment values that name an account (and so link the accounts that use it), by prefix. The other
# payment values are methods ("zelle", "wire_direct"), stored on the message like cues.
PAYOUT_PREFIXES = ("sortcode:", "paypal.me:", "btc:", "eth:")


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

    phone -> phone (short codes -> None: a service, not an account), email -> email, url -> domain,
    handle -> handle, payment ``iban:...`` -> iban, payout accounts (sort code and account, PayPal.me,
    crypto wallets) -> payout. Payment methods and cues -> None: they are stored on the message.
    """
    kind, value = finding.kind, finding.value
    if kind == "phone":
        return Identifier("phone", value, True) if value.startswith("+") else None
    if kind == "email":
        return Identifier("email", value, True)
    if kind == "url":
        return normalise_domain(value)
    if kind == "handle":
        return Identifier("handle", value, True)
    if kind == "payment":
        if value.startswith("iban:"):
            return normalise_iban(value[5:])
        if value.startswith(PAYOUT_PREFIXES):
            return Identifier("payout", value, True)
    return None
