"""Notice templates, one per step of the escalation ladder, filled with the case's evidence.

A notice goes to the seller, so its evidence is written for them: what they wrote, quoted, with
its date, and what we saw in plain words. Scores, message and flag ids, and the names of our
signals and cues stay inside (the one internal step, the suspension recommendation, keeps the
analysis's reasons). Quoted messages have their contact details starred out (the spans the
scanner found), as the seller would expect of a notice, and so that nobody reading the notice
reads a contact value; a buyer's messages are not quoted at all. The details the seller's account
holds (its phone, its payout account) are named, as the seller would recognise them; a viewer
reads those masked (``NoticeText.masked``).

Templates use ``string.Template`` (``$name`` placeholders) so that text written by investigators or
the analysis can never be read as template syntax. A step without a template of its own (a ladder
configured with other names) uses the generic one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from string import Template
from typing import Any

from sidedeal.casework.masking import mask_body


@dataclass(frozen=True)
class NoticeTemplate:
    subject: Template
    body: Template


_INTRO = (
    "Dear $seller_name,\n\n"
    "Our Seller Performance team reviewed activity on your account ($seller_id) under case "
    "$case_id. We found that sales were arranged outside the marketplace, which our seller "
    "policy does not allow: fees and buyer protection apply to every sale that starts here.\n\n"
    "What we found:\n$evidence\n\n"
)
_STRIKES = (
    "This is strike $strike_number on your account. Strikes count for $expiry_months months; "
    "this one expires on $strike_expires.\n\n"
)
_OUTRO = "If you believe this is a mistake, reply to this notice quoting $case_id.\n"

TEMPLATES: dict[str, NoticeTemplate] = {
    "warning": NoticeTemplate(
        Template("Warning: off-platform sale ($case_id)"),
        Template(
            _INTRO + _STRIKES + "Please keep all contact and payment on the marketplace. "
            "Further violations lead to a formal violation notice.\n\n" + _OUTRO
        ),
    ),
    "formal_notice": NoticeTemplate(
        Template("Formal violation notice ($case_id)"),
        Template(
            _INTRO + _STRIKES + "This is a formal violation notice. Commission owed on sales "
            "taken off the platform will be recovered. A further violation leads to a final "
            "notice.\n\n" + _OUTRO
        ),
    ),
    "final_notice": NoticeTemplate(
        Template("Final notice before suspension ($case_id)"),
        Template(
            _INTRO + _STRIKES + "This is your final notice. Another violation while this strike "
            "is active will lead to the suspension of your account.\n\n" + _OUTRO
        ),
    ),
    "suspension_recommended": NoticeTemplate(
        Template("Suspension recommended: $seller_id ($case_id)"),
        Template(
            "Internal: Seller Performance recommends suspending $seller_name ($seller_id).\n\n"
            "Case $case_id is strike $strike_number (expires $strike_expires).\n\n"
            "Evidence:\n$internal_evidence\n"
        ),
    ),
}

GENERIC = NoticeTemplate(
    Template("$step_title ($case_id)"),
    Template(_INTRO + _STRIKES + "Step of the escalation path: $step_title.\n\n" + _OUTRO),
)


def evidence_lines(flags: list[dict[str, Any]], limit: int = 10) -> str:
    """For staff: a bullet per confirmed flag with its main reason (strongest factor first)."""
    lines = []
    for flag in flags[:limit]:
        reason = flag.get("top_reason") or "; ".join(map(str, flag.get("reasons") or [])) or "-"
        lines.append(f"- {reason} (flag {flag.get('flag_id')})")
    if len(flags) > limit:
        lines.append(f"- and {len(flags) - limit} more confirmed findings")
    return "\n".join(lines) or "- (no evidence recorded)"


# What each of our signals means, said to the seller ("{values}": their own details it names).
PLAIN: dict[str, str] = {
    "pair.quiet_after_contact": (
        "After contact details were exchanged, the conversation stopped and no order followed "
        "on the marketplace."
    ),
    "pair.repeat_business_stopped": (
        "A buyer who had ordered from you several times stopped ordering on the marketplace "
        "after you exchanged contact details."
    ),
    "pair.shared_identifier": "Your account and a buyer's account hold the same details: {values}.",
    "seller.buyer_holds_identifier": "A buyer's account holds your own details: {values}.",
    "seller.shared_payout": "Your payout account ({values}) is also used by another seller account.",
    "seller.other_account": "Another seller account holds the same details as yours: {values}.",
    "cluster.member": (
        "Your account is linked to other accounts that share contact or payment details."
    ),
}
QUOTE_CHARS = 300
MAX_QUOTES = 6


def _dicts(raw: Any) -> list[dict[str, Any]]:
    """A list of objects stored as JSON text (or already decoded); unreadable text is none."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return [f for f in raw or [] if isinstance(f, dict)]


def _factors(flag: dict[str, Any]) -> list[dict[str, Any]]:
    return _dicts(flag.get("factors"))


def _findings(message: dict[str, Any]) -> list[dict[str, Any]]:
    return _dicts(message.get("findings"))


def _day(value: Any) -> str | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return f"{moment.day} {moment:%B %Y}"


def _values(evidence: list[str]) -> str:
    """The identifier values among a factor's evidence ("phone:+44..." -> "+44...")."""
    shown = []
    for key in evidence:
        kind, _, value = str(key).partition(":")
        if value and kind not in ("buyer", "seller", "cluster"):
            shown.append(value)
    return ", ".join(dict.fromkeys(shown)) or "contact details"


def plain_evidence(flags: list[dict[str, Any]]) -> str:
    """For the seller: their own messages quoted with their dates, a buyer's message only said
    to have happened, and what the rest of the evidence means in a sentence each."""
    lines: list[str] = []
    seen: set[str] = set()
    messages = sorted(
        {m["message_id"]: m for f in flags for m in f.get("messages") or []}.values(),
        key=lambda m: str(m.get("sent_at") or ""),
    )
    for message in messages[:MAX_QUOTES]:
        day = _day(message.get("sent_at"))
        when = f"On {day}" if day else "In a message"
        if message.get("sender") == "seller":
            starred = mask_body(str(message.get("body") or ""), _findings(message))
            body = " ".join(starred.split())
            if len(body) > QUOTE_CHARS:
                body = body[: QUOTE_CHARS - 1] + "…"
            line = f'- {when} you wrote to a buyer: "{body}"'
        else:
            line = f"- {when} a buyer sent you their contact details in a message."
        if line not in seen:
            seen.add(line)
            lines.append(line)
    for flag in flags:
        for factor in _factors(flag):
            template = PLAIN.get(str(factor.get("signal")))
            if template is None:
                continue
            line = "- " + template.format(values=_values(list(factor.get("evidence") or [])))
            if line not in seen:
                seen.add(line)
                lines.append(line)
    if not lines:
        return "- Messages and orders on your account show sales arranged outside the marketplace."
    return "\n".join(lines)


def render(
    step: str,
    *,
    seller_id: str,
    seller_name: str | None,
    case_id: str,
    strike_number: int,
    strike_expires: datetime | None,
    expiry_months: int,
    flags: list[dict[str, Any]],
) -> tuple[str, str]:
    """The notice's subject and body for ``step``."""
    template = TEMPLATES.get(step, GENERIC)
    values = {
        "seller_id": seller_id,
        "seller_name": seller_name or seller_id,
        "case_id": case_id,
        "strike_number": str(strike_number),
        "strike_expires": strike_expires.date().isoformat() if strike_expires else "-",
        "expiry_months": str(expiry_months),
        "evidence": plain_evidence(flags),
        "internal_evidence": evidence_lines(flags),
        "step_title": step.replace("_", " ").capitalize(),
    }
    return template.subject.safe_substitute(values), template.body.safe_substitute(values)
