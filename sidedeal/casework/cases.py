"""Cases: the confirmed flags on one seller, the strike they add, the notices and recovery orders
that follow. A case is ``open`` while it gathers confirmed flags, ``notified`` once its notice went
out (a later confirmation on new evidence then opens a new case: a new violation; see
:mod:`.decisions`), ``closed`` by hand, or ``void``
when every confirmation in it was taken back before a notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, LiteralString, Self

from pydantic import BaseModel

from sidedeal.casework.audit import AUDIT_CALL, audit_params
from sidedeal.casework.common import Actor, natives
from sidedeal.casework.masking import known_values, mask_free_text, mask_key, mask_text
from sidedeal.errors import Conflict, NotFound
from sidedeal.graph.outbox import outbox_call
from sidedeal.graph.store import Store

CaseStatus = Literal["open", "notified", "closed", "void"]

CASE_FIELDS: LiteralString = """
c {.case_id, .seller_id, .status, .opened_at, .opened_by, .closed_at, .notified_at,
   .strike_number, .strike_id, .close_note,
   flag_ids: [(c)-[:INCLUDES]->(f:Flag) | f.flag_id],
   assignees: COLLECT { MATCH (c)-[:INCLUDES]->(f:Flag) WHERE f.assignee IS NOT NULL
                        RETURN DISTINCT f.assignee },
   seller_name: COLLECT { MATCH (s:Seller {seller_id: c.seller_id}) RETURN s.name }[0],
   notice_steps: [(c)-[:SENT]->(n:Notice) | n.step]}
"""

CASES: LiteralString = (
    """
MATCH (c:Case)
WHERE ($status IS NULL OR c.status = $status) AND ($seller_id IS NULL OR c.seller_id = $seller_id)
  AND ($assignee IS NULL OR EXISTS { (c)-[:INCLUDES]->(:Flag {assignee: $assignee}) })
  AND ($step IS NULL OR ($step = 'none' AND NOT EXISTS { (c)-[:SENT]->(:Notice) })
       OR EXISTS { (c)-[:SENT]->(:Notice {step: $step}) })
WITH c ORDER BY c.opened_at DESC, c.case_id
WITH collect(c) AS cases
UNWIND (CASE WHEN size(cases) > $offset THEN cases[$offset..$offset + $limit] ELSE [null] END)
  AS c
RETURN size(cases) AS count, CASE WHEN c IS NULL THEN null ELSE """
    + CASE_FIELDS
    + " END AS case"
)

CASE: LiteralString = (
    "MATCH (c:Case {case_id: $case_id}) "
    "OPTIONAL MATCH (k:Strike {strike_id: c.strike_id}) "
    "RETURN "
    + CASE_FIELDS
    + """ AS case, k.expires_at AS strike_expires,
       [(c)-[:INCLUDES]->(f:Flag) | f {.flag_id, .kind, .status, .score, .top_reason, .reasons,
                                       .evidence, .factors,
         messages: COLLECT { UNWIND coalesce(f.evidence, []) AS e
                             MATCH (m:Message {message_id: e})
                             RETURN m {.message_id, .sender, .body, .findings,
                                       sent_at: toString(m.sent_at)} }}] AS flags
"""
)

CLOSE: LiteralString = (
    """
MATCH (c:Case {case_id: $case_id}) WHERE c.status IN ['open', 'notified']
SET c.status = 'closed', c.open_key = null, c.closed_at = datetime(), c.close_note = $note
WITH c
"""
    + outbox_call("c", "'case.step_changed'", "c {.case_id, .seller_id, .status, .strike_number}")
    + AUDIT_CALL
    + "RETURN c.case_id AS case_id"
)


class CaseSummary(BaseModel):
    case_id: str
    seller_id: str
    status: CaseStatus
    opened_at: datetime
    opened_by: str | None = None
    closed_at: datetime | None = None
    notified_at: datetime | None = None
    strike_id: str | None = None
    strike_number: int | None = None
    close_note: str | None = None
    flag_ids: list[str] = []
    assignees: list[str] = []
    seller_name: str | None = None
    notice_steps: list[str] = []

    def masked(self) -> Self:
        """People's free text (the close note) with its contact values masked."""
        note = mask_free_text(self.close_note) if self.close_note else None
        return self.model_copy(update={"close_note": note})


class CaseFlag(BaseModel):
    flag_id: str
    kind: str
    status: str
    score: float
    top_reason: str | None = None
    evidence: list[str] = []

    def masked(self) -> CaseFlag:
        known = known_values(self.evidence)
        return self.model_copy(
            update={
                "top_reason": mask_text(self.top_reason, known) if self.top_reason else None,
                "evidence": [mask_key(e) for e in self.evidence],
            }
        )


class CasePublic(CaseSummary):
    strike_expires: datetime | None = None
    flags: list[CaseFlag] = []

    def masked(self) -> Self:
        return super().masked().model_copy(update={"flags": [f.masked() for f in self.flags]})


def list_cases(
    store: Store,
    *,
    status: CaseStatus | None = None,
    seller_id: str | None = None,
    assignee: str | None = None,
    step: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CaseSummary], int]:
    """Cases, newest first. ``assignee``: cases with a flag assigned to that name; ``step``:
    cases whose notice at that ladder step went out (``none``: no notice yet)."""
    params = {"status": status, "seller_id": seller_id, "assignee": assignee, "step": step}
    rows = store.read(CASES, {**params, "limit": limit, "offset": offset})
    count = int(rows[0]["count"]) if rows else 0
    return [CaseSummary(**natives(r["case"])) for r in rows if r["case"] is not None], count


def case_context(store: Store, case_id: str) -> tuple[CasePublic, list[dict[str, Any]]]:
    """The case, and its flags as raw rows (with reasons and evidence, for notices)."""
    rows = store.read(CASE, {"case_id": case_id})
    if not rows:
        raise NotFound(f"no case {case_id!r}; list a seller's cases with GET /cases?seller_id=")
    row = rows[0]
    flags = [dict(f) for f in row["flags"]]
    flags.sort(key=lambda f: -float(f.get("score") or 0))
    case = CasePublic(
        **natives(row["case"]),
        strike_expires=natives({"t": row["strike_expires"]})["t"],
        flags=[CaseFlag(**{**f, "evidence": list(f.get("evidence") or [])}) for f in flags],
    )
    return case, flags


def get_case(store: Store, case_id: str) -> CasePublic:
    return case_context(store, case_id)[0]


def close_case(store: Store, case_id: str, note: str, actor: Actor) -> CasePublic:
    """Close an open or notified case (its strike stays: the violation was confirmed)."""
    rows = store.write(
        CLOSE,
        {
            "case_id": case_id,
            "note": note,
            "audit": audit_params(actor, "case.close", [case_id], {"note": note}),
        },
    )
    if not rows:
        case = get_case(store, case_id)  # NotFound when there is no such case
        raise Conflict(f"case {case_id} is {case.status}; only open or notified cases close")
    return get_case(store, case_id)
