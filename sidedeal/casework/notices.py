"""Notice templates, one per step of the escalation ladder, filled with the case's evidence.

Templates use ``string.Template`` (``$name`` placeholders) so that text written by investigators or
the analysis can never be read as template syntax. A step without a template of its own (a ladder
configured with other names) uses the generic one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from string import Template
from typing import Any


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
            "Evidence:\n$evidence\n"
        ),
    ),
}

GENERIC = NoticeTemplate(
    Template("$step_title ($case_id)"),
    Template(_INTRO + _STRIKES + "Step of the escalation path: $step_title.\n\n" + _OUTRO),
)


def evidence_lines(flags: list[dict[str, Any]], limit: int = 10) -> str:
    """A bullet per confirmed flag: its main reason (the strongest factor comes first)."""
    lines = []
    for flag in flags[:limit]:
        reason = flag.get("top_reason") or "; ".join(map(str, flag.get("reasons") or [])) or "-"
        lines.append(f"- {reason} (flag {flag.get('flag_id')})")
    if len(flags) > limit:
        lines.append(f"- and {len(flags) - limit} more confirmed findings")
    return "\n".join(lines) or "- (no evidence recorded)"


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
        "evidence": evidence_lines(flags),
        "step_title": step.replace("_", " ").capitalize(),
    }
    return template.subject.safe_substitute(values), template.body.safe_substitute(values)
