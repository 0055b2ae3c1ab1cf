"""Enforcement along the escalation ladder: a seller's strikes, the next step, and its notice.

A case's step is fixed when the case opens: its strike is the seller's n-th active strike, and the
n-th step of the ladder follows (the last step repeats past the end). A notice is keyed by
``case_id:step`` under a uniqueness constraint, so issuing it again, whether a retried request, a
double click or two investigators at once, returns the notice already sent instead of a second one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString, Self

from pydantic import BaseModel

from sidedeal.casework.audit import audit_params
from sidedeal.casework.cases import CasePublic, case_context
from sidedeal.casework.common import Actor, natives, new_id
from sidedeal.casework.masking import mask_free_text
from sidedeal.casework.notices import render
from sidedeal.errors import Conflict, IdempotencyKeyReused, NotFound
from sidedeal.graph.outbox import outbox_call
from sidedeal.graph.store import Store

STRIKES: LiteralString = """
MATCH (s:Seller {seller_id: $seller_id})
OPTIONAL MATCH (s)-[:HAS_STRIKE]->(k:Strike)
WITH s, k ORDER BY k.at
RETURN s.seller_id AS seller_id,
       [x IN collect(k) | x {.strike_id, .case_id, .at, .expires_at, .void,
                             active: x.void = false AND x.expires_at > datetime()}] AS strikes,
       COLLECT { MATCH (c:Case {open_key: s.seller_id})
                 RETURN c {.case_id, .strike_number} AS c } AS open_cases
"""

ISSUE: LiteralString = (
    """
MATCH (c:Case {case_id: $case_id}) WHERE c.status IN ['open', 'notified']
OPTIONAL MATCH (old:Notice {notice_key: $notice_key})
WITH c, old IS NULL AS created
MERGE (n:Notice {notice_key: $notice_key})
ON CREATE SET n += $notice, n.issued_at = datetime()
SET n.idempotency_keys = CASE
  WHEN $idempotency_key IS NULL OR $idempotency_key IN coalesce(n.idempotency_keys, [])
  THEN n.idempotency_keys ELSE coalesce(n.idempotency_keys, []) + $idempotency_key END
MERGE (c)-[:SENT]->(n)
SET c.status = CASE WHEN c.status = 'open' THEN 'notified' ELSE c.status END,
    c.open_key = null, c.notified_at = coalesce(c.notified_at, datetime())
WITH c, n, created
// The notice cites its flags' evidence as it is now: that is the evidence this case counted.
CALL (c, created) {
  WITH c WHERE created
  MATCH (c)-[r:INCLUDES]->(f:Flag)
  SET r.evidence = coalesce(f.evidence, [])
}
WITH n, created
CALL (created) {
  WITH created WHERE created
  CREATE (ae:AuditEvent) SET ae = $audit, ae.at = datetime()
}
"""
    + outbox_call(
        "n, created",
        "'notice.issued'",
        "n {.notice_id, .case_id, .seller_id, .step, "
        ".strike_number, .subject, .body, .issued_by, .issued_at}",
        "created",
    )
    + outbox_call(
        "n, created",
        "'case.step_changed'",
        "n {.case_id, .seller_id, .step, .strike_number, status: 'notified'}",
        "created",
    )
    + """
RETURN n {.*} AS notice, created
"""
)

NOTICE_BY_KEY: LiteralString = """
MATCH (n:Notice) WHERE $key IN n.idempotency_keys RETURN n {.*} AS notice LIMIT 1
"""

NOTICES: LiteralString = """
MATCH (n:Notice)
WHERE ($case_id IS NULL OR n.case_id = $case_id) AND ($seller_id IS NULL OR n.seller_id = $seller_id)
RETURN n {.*} AS notice ORDER BY n.issued_at DESC LIMIT $limit
"""


class StrikePublic(BaseModel):
    strike_id: str
    case_id: str
    at: datetime
    expires_at: datetime
    void: bool
    active: bool


class EnforcementStatus(BaseModel):
    """Where a seller stands: active strikes, and the step the next (or open) case leads to."""

    seller_id: str
    active_strikes: int
    strikes: list[StrikePublic]
    ladder: list[str]
    open_case_id: str | None
    next_step: str
    next_step_number: int


class NoticeText(BaseModel):
    """A notice's text for a case: the ladder's step for its strike, subject and body."""

    case_id: str
    seller_id: str
    step: str
    strike_number: int
    subject: str
    body: str

    def masked(self) -> Self:
        return self.model_copy(update={"body": mask_free_text(self.body)})


class NoticePreview(NoticeText):
    """The notice a case would issue now (``already_issued``: this step went out already)."""

    already_issued: bool


class NoticePublic(NoticeText):
    """A notice issued: recorded once per case and step (``notice_key``)."""

    notice_id: str
    notice_key: str
    issued_at: datetime
    issued_by: str


def step_for(strike_number: int, ladder: list[str]) -> str:
    """The ladder's step for the n-th active strike; the last step repeats beyond the ladder."""
    return ladder[min(max(strike_number, 1), len(ladder)) - 1]


def status(store: Store, seller_id: str, ladder: list[str]) -> EnforcementStatus:
    rows = store.read(STRIKES, {"seller_id": seller_id})
    if not rows:
        raise NotFound(f"no seller {seller_id!r}")
    row = rows[0]
    strikes = [StrikePublic(**natives(k)) for k in row["strikes"] if k is not None]
    active = sum(1 for k in strikes if k.active)
    open_case = row["open_cases"][0] if row["open_cases"] else None
    number = int(open_case["strike_number"] or active) if open_case else active + 1
    return EnforcementStatus(
        seller_id=seller_id,
        active_strikes=active,
        strikes=strikes,
        ladder=ladder,
        open_case_id=open_case["case_id"] if open_case else None,
        next_step=step_for(number, ladder),
        next_step_number=number,
    )


def preview_notice(
    store: Store, case_id: str, *, ladder: list[str], expiry_months: int
) -> NoticePreview:
    """The notice :func:`issue_notice` would issue for the case now (nothing is recorded)."""
    case, flags = case_context(store, case_id)
    return _draft(case, flags, ladder, expiry_months)


def _draft(
    case: CasePublic, flags: list[dict[str, Any]], ladder: list[str], expiry_months: int
) -> NoticePreview:
    if case.status not in ("open", "notified"):
        raise Conflict(f"case {case.case_id} is {case.status}; notices go out for open cases only")
    number = case.strike_number or 1
    step = step_for(number, ladder)
    subject, body = render(
        step,
        seller_id=case.seller_id,
        seller_name=case.seller_name,
        case_id=case.case_id,
        strike_number=number,
        strike_expires=case.strike_expires,
        expiry_months=expiry_months,
        flags=flags,
    )
    return NoticePreview(
        case_id=case.case_id,
        seller_id=case.seller_id,
        step=step,
        strike_number=number,
        subject=subject,
        body=body,
        already_issued=step in case.notice_steps,
    )


def issue_notice(
    store: Store,
    case_id: str,
    actor: Actor,
    *,
    ladder: list[str],
    expiry_months: int,
    idempotency_key: str | None = None,
) -> tuple[NoticePublic, bool]:
    """Issue the case's notice (or return the one already issued); ``True`` when created now.

    The notice is keyed by case and step whatever the caller sends; an ``idempotency_key`` is
    remembered with it, and the same key sent for another case raises IdempotencyKeyReused.
    """
    if idempotency_key is not None:
        known = store.read(NOTICE_BY_KEY, {"key": idempotency_key})
        if known and known[0]["notice"]["case_id"] != case_id:
            raise IdempotencyKeyReused(
                f"Idempotency-Key {idempotency_key!r} was already used for notice "
                f"{known[0]['notice']['notice_id']} (case {known[0]['notice']['case_id']}); "
                "send a new key for another case"
            )
    case, flags = case_context(store, case_id)
    draft = _draft(case, flags, ladder, expiry_months)
    step, number, subject, body = draft.step, draft.strike_number, draft.subject, draft.body
    notice_id = new_id("notice")
    key = f"{case_id}:{step}"
    rows = store.write(
        ISSUE,
        {
            "case_id": case_id,
            "notice_key": key,
            "idempotency_key": idempotency_key,
            "notice": {
                "notice_id": notice_id,
                "case_id": case_id,
                "seller_id": case.seller_id,
                "step": step,
                "strike_number": number,
                "subject": subject,
                "body": body,
                "issued_by": actor.key_id,
            },
            "audit": audit_params(
                actor,
                "notice.issue",
                [notice_id, case_id, case.seller_id],
                {"step": step, "strike_number": number, "flags": [f["flag_id"] for f in flags]},
            ),
        },
    )
    if not rows:
        raise Conflict(f"case {case_id} changed while the notice was prepared; try again")
    return NoticePublic(**natives(rows[0]["notice"])), bool(rows[0]["created"])


def list_notices(
    store: Store, *, case_id: str | None = None, seller_id: str | None = None, limit: int = 100
) -> list[NoticePublic]:
    rows = store.read(NOTICES, {"case_id": case_id, "seller_id": seller_id, "limit": limit})
    return [NoticePublic(**natives(r["notice"])) for r in rows]
