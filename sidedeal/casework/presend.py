"""The pre-send check: may this message go out as written?

The marketplace's messaging service asks before it delivers a message (``POST /scan``). The
scanner reads the text as ingest would; a policy (``presend_policy.toml``, or the file
``SIDEDEAL_SCAN_POLICY_FILE`` names) turns what it found into an action: ``allow``, ``nudge``
(show the sender a reminder of the policy) or ``hold`` (queue the message for review), with the
rules and reasons that decided it. Nothing is written and nothing is read from the graph: the
check costs the scan alone, so it can sit in the path of every message.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sidedeal.identifiers import identifier_of_finding, names
from sidedeal.scanner import Finding, scan

Action = Literal["allow", "nudge", "hold"]
SenderRole = Literal["buyer", "seller"]
DEFAULT_POLICY = Path(__file__).with_name("presend_policy.toml")
SEVERITY: dict[str, int] = {"allow": 0, "nudge": 1, "hold": 2}
# What a rule can name: identifier kinds that are contact or payment details, and the findings
# that link no account.
OTHER_KINDS = ("payment_method", "cue", "short_code")


def policy_kinds() -> tuple[str, ...]:
    return names(contact=True) + OTHER_KINDS


def category(finding: Finding) -> str:
    """The policy's name for what a finding is (see ``presend_policy.toml``)."""
    ident = identifier_of_finding(finding.kind, finding.value)
    if ident is not None:
        return ident.kind
    if finding.kind == "payment":
        return "payment_method"
    if finding.kind == "phone":
        return "short_code"
    return finding.kind


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    action: Literal["nudge", "hold"]
    kinds: frozenset[str] = Field(min_length=1)
    sender_roles: frozenset[SenderRole] | None = None
    min_confidence: float = Field(default=0.0, ge=0, le=1)
    reason: str = Field(min_length=1)

    @field_validator("kinds")
    @classmethod
    def _known(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - set(policy_kinds()))
        if unknown:
            raise ValueError(f"unknown kind(s) {unknown}; known: {', '.join(policy_kinds())}")
        return value

    def matches(self, finding: Finding, kind: str, role: SenderRole | None) -> bool:
        if kind not in self.kinds or finding.confidence < self.min_confidence:
            return False
        return role is None or self.sender_roles is None or role in self.sender_roles


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: tuple[Rule, ...] = ()


def load_policy(path: Path | None = None) -> Policy:
    """The policy in ``path`` (default: the shipped one); ValueError naming the rule at fault."""
    source = path or DEFAULT_POLICY
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"pre-send policy {source}: {error}") from None
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ValueError(f"pre-send policy {source}: {problems}") from None
    ids = [r.id for r in policy.rule]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"pre-send policy {source}: rule id(s) used twice: {', '.join(twice)}")
    return policy


class FindingOut(BaseModel):
    """A finding in the text: ``text[start:end]`` is what the sender wrote, ``value`` its
    normalised form (phone E.164, email canonical, ``telegram:handle``, ``iban:...``)."""

    kind: str
    category: str
    value: str
    start: int
    end: int
    rule: str
    confidence: float


class MatchedRule(BaseModel):
    id: str
    action: Action
    reason: str


class Verdict(BaseModel):
    """What the messaging service should do with the message, and why."""

    id: str | None = None
    conversation_id: str | None = None
    action: Action
    reason: str
    rules: list[MatchedRule]
    findings: list[FindingOut]  # contact and payment details
    cues: list[FindingOut]  # off-platform cues and payment methods


def check(
    text: str,
    country: str | None,
    sender_role: SenderRole | None,
    policy: Policy,
    platform_domains: Sequence[str],
    *,
    message_id: str | None = None,
    conversation_id: str | None = None,
) -> Verdict:
    """Scan one message and apply the policy (see the module docstring)."""
    found = scan(text, country, platform_domains=platform_domains)
    findings: list[FindingOut] = []
    cues: list[FindingOut] = []
    matched: dict[str, Rule] = {}
    for finding in found:
        kind = category(finding)
        out = FindingOut(
            kind=finding.kind,
            category=kind,
            value=finding.value,
            start=finding.start,
            end=finding.end,
            rule=finding.rule,
            confidence=finding.confidence,
        )
        (cues if kind in ("cue", "payment_method") else findings).append(out)
        for rule in policy.rule:
            if rule.id not in matched and rule.matches(finding, kind, sender_role):
                matched[rule.id] = rule
    rules = sorted(matched.values(), key=lambda r: -SEVERITY[r.action])
    action: Action = rules[0].action if rules else "allow"
    reason = "; ".join(r.reason for r in rules if r.action == action) or (
        "no rule of the policy matched what was found" if found else "nothing found"
    )
    return Verdict(
        id=message_id,
        conversation_id=conversation_id,
        action=action,
        reason=reason,
        rules=[MatchedRule(id=r.id, action=r.action, reason=r.reason) for r in rules],
        findings=findings,
        cues=cues,
    )
