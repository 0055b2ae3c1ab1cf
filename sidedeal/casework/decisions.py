"""Investigators' decisions on flags, and the cases confirmed flags gather in.

A decision sets ``Flag.status`` to ``confirmed``, ``dismissed`` or ``unsure``: the analysis leaves
those statuses alone on later runs (a dismissed flag reopens only on new evidence). A confirmed
flag joins its seller's one open ``Case`` (opened on the first confirmation; the ``open_key``
uniqueness constraint keeps it to one even when confirmations race). Opening a case is the
confirmed violation that adds a ``Strike`` to the seller, expiring after the configured months.
Taking a confirmation back (a later dismiss or unsure) removes the flag from its open case; an
open case left with no flag and no notice is voided with its strike.

A decision also keeps what the investigator decided on: the flag's factors and score, and the
weights version of the run that scored them (later runs rewrite a decided flag's factors; the
signals' precision per factor reads this snapshot, see :mod:`.signals`).

Each statement records its audit event itself (see :mod:`.audit`).
"""

from __future__ import annotations

from typing import Literal, LiteralString

from pydantic import BaseModel

from sidedeal.casework.audit import AUDIT_CALL, audit_params
from sidedeal.casework.common import Actor
from sidedeal.errors import NotFound
from sidedeal.graph.outbox import outbox_call
from sidedeal.graph.store import Store

Decision = Literal["confirmed", "dismissed", "unsure"]

ACTIVE_STRIKES: LiteralString = (
    "COUNT { (s)-[:HAS_STRIKE]->(x:Strike) WHERE x.void = false AND x.expires_at > datetime() }"
)

DECIDE: LiteralString = (
    """
MATCH (f:Flag {flag_id: $flag_id})
SET f.status = $decision, f.decided_at = datetime(), f.decided_by = $actor,
    f.decision_note = $note, f.decided_factors = f.factors, f.decided_score = f.score,
    f.decided_weights_version = COLLECT {
      MATCH (r:Run {run_id: f.run_id}) RETURN r.weights_version
    }[0]
WITH f
CALL (f) {
  WITH f WHERE $decision = 'confirmed'
  UNWIND coalesce(f.seller_ids, []) AS sid
  MATCH (s:Seller {seller_id: sid})
  MERGE (c:Case {open_key: sid})
  ON CREATE SET c.case_id = 'case-' + substring(replace(randomUUID(), '-', ''), 0, 12),
                c.seller_id = sid, c.status = 'open', c.opened_at = datetime(),
                c.opened_by = $actor
  MERGE (c)-[:CONCERNS]->(s)
  MERGE (c)-[:INCLUDES]->(f)
  WITH c, s WHERE c.strike_id IS NULL
  CREATE (s)-[:HAS_STRIKE]->(k:Strike {
    strike_id: 'strike-' + substring(replace(randomUUID(), '-', ''), 0, 12),
    seller_id: s.seller_id, case_id: c.case_id, at: datetime(),
    expires_at: datetime() + duration({months: $months}), void: false})
  SET c.strike_id = k.strike_id
  WITH c, s
  SET c.strike_number = """
    + ACTIVE_STRIKES
    + """, s.strikes = """
    + ACTIVE_STRIKES
    + "\n"
    + outbox_call(
        "c",
        "'case.opened'",
        "c {.case_id, .seller_id, .status, .strike_number, "
        ".opened_by, flag_ids: [(c)-[:INCLUDES]->(x:Flag) | x.flag_id]}",
    )
    + """
}
CALL (f) {
  WITH f WHERE $decision <> 'confirmed'
  MATCH (c:Case {status: 'open'})-[r:INCLUDES]->(f)
  DELETE r
  WITH c WHERE NOT EXISTS { (c)-[:INCLUDES]->() } AND NOT EXISTS { (c)-[:SENT]->() }
  SET c.status = 'void', c.open_key = null, c.closed_at = datetime()
"""
    + outbox_call("c", "'case.step_changed'", "c {.case_id, .seller_id, .status, .strike_number}")
    + """
  WITH c
  MATCH (s:Seller)-[:HAS_STRIKE]->(k:Strike {strike_id: c.strike_id})
  SET k.void = true
  WITH s
  SET s.strikes = """
    + ACTIVE_STRIKES
    + """
}
WITH f
"""
    + outbox_call(
        "f",
        "'flag.decided'",
        "f {.flag_id, .kind, .status, .score, .decided_by, "
        ".decision_note, .buyer_ids, .seller_ids, case_ids: [(c:Case)-[:INCLUDES]->(f) "
        "WHERE c.status IN ['open', 'notified'] | c.case_id]}",
    )
    + AUDIT_CALL
    + """
RETURN f.flag_id AS flag_id, f.status AS status,
       [(c:Case)-[:INCLUDES]->(f) WHERE c.status IN ['open', 'notified'] | c.case_id] AS case_ids
"""
)

ASSIGN: LiteralString = """
UNWIND $flag_ids AS id
MATCH (f:Flag {flag_id: id})
SET f.assignee = $assignee, f.assigned_at = datetime(), f.assigned_by = $actor
WITH collect(f.flag_id) AS done
CALL (done) {
  WITH done WHERE size(done) > 0
  CREATE (ae:AuditEvent) SET ae = $audit, ae.at = datetime(), ae.objects = done
}
RETURN done
"""


class DecisionResult(BaseModel):
    flag_id: str
    status: Decision
    case_ids: list[str]


class AssignResult(BaseModel):
    assignee: str | None
    assigned: list[str]
    missing: list[str]


def decide(
    store: Store, flag_id: str, decision: Decision, note: str, actor: Actor, *, months: int
) -> DecisionResult:
    """Record a decision (see the module docstring); raises NotFound for an unknown flag."""
    rows = store.write(
        DECIDE,
        {
            "flag_id": flag_id,
            "decision": decision,
            "note": note,
            "actor": actor.key_id,
            "months": months,
            "audit": audit_params(
                actor, f"flag.{decision}", [flag_id], {"note": note, "decision": decision}
            ),
        },
    )
    if not rows:
        raise NotFound(f"no flag {flag_id!r}; flag ids look like pair:b1:s1, seller:s1")
    return DecisionResult(**rows[0])


def assign(store: Store, flag_ids: list[str], assignee: str | None, actor: Actor) -> AssignResult:
    """Assign flags to someone (``None`` unassigns); ids that match no flag are reported back."""
    wanted = list(dict.fromkeys(flag_ids))
    rows = store.write(
        ASSIGN,
        {
            "flag_ids": wanted,
            "assignee": assignee,
            "actor": actor.key_id,
            "audit": audit_params(actor, "flag.assign", [], {"assignee": assignee}),
        },
    )
    done = list(rows[0]["done"]) if rows else []
    return AssignResult(
        assignee=assignee, assigned=done, missing=[i for i in wanted if i not in set(done)]
    )
