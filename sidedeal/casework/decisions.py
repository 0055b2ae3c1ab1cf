"""Investigators' decisions on flags, and the cases confirmed flags gather in.

A decision sets ``Flag.status`` to ``confirmed``, ``dismissed`` or ``unsure``: the analysis leaves
those statuses alone on later runs (a dismissed flag reopens only on new evidence). A confirmed
flag joins its seller's one open ``Case`` (opened on the first confirmation; the ``open_key``
uniqueness constraint keeps it to one even when confirmations race). Opening a case is the
confirmed violation that adds a ``Strike`` to the seller, expiring after the configured months.
Taking a confirmation back (a later dismiss or unsure) removes the flag from its open case; an
open case left with no flag and no notice is voided with its strike.

A flag's evidence counts toward at most one strike: each ``INCLUDES`` link keeps the evidence the
flag held when it joined the case, and a flag in a notified or closed case joins a new case only
when it holds evidence none of its cases counted (a new finding, message or order). A flag in no
case whose findings were all counted by a notified case of its seller (a seller flag repeating the
pair flags of that case) joins that case instead of opening one. An
investigator may re-open a decided flag (status ``open`` again, with a note).

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
from sidedeal.errors import Conflict, NotFound
from sidedeal.graph.outbox import outbox_call
from sidedeal.graph.store import Store

Decision = Literal["confirmed", "dismissed", "unsure"]

ACTIVE_STRIKES: LiteralString = (
    "COUNT { (s)-[:HAS_STRIKE]->(x:Strike) WHERE x.void = false AND x.expires_at > datetime() }"
)

# The evidence a flag already counted: what it held when it joined each case it is still in. A
# link from before this was recorded counts all the flag's current evidence (no wrongful strike).
COUNTED: LiteralString = """
MATCH (f:Flag {flag_id: $flag_id})
WITH f, [(c:Case)-[r:INCLUDES]->(f) WHERE c.status IN ['open', 'notified', 'closed']
         | {status: c.status, evidence: coalesce(r.evidence, f.evidence, [])}] AS links
WITH f, links, reduce(acc = [], l IN links | acc + l.evidence) AS counted
WITH f, links, any(l IN links WHERE l.status = 'open') AS in_open,
     size([e IN coalesce(f.evidence, []) WHERE NOT e IN counted]) AS uncounted
// A flag's evidence counts toward one strike: it joins a case when it is in none, when its
// seller's case is still open, or when it holds evidence no case of it counted yet.
WITH f, size(links) = 0 OR in_open OR uncounted > 0 AS joins
"""

CASE_IDS: LiteralString = (
    "[(c:Case)-[:INCLUDES]->(f) WHERE c.status IN ['open', 'notified', 'closed'] | c.case_id]"
)

# A one-seller flag in no case yet whose findings (messages, orders, identifiers; not the accounts it names)
# were all counted by one notified or closed case of its seller, who has no open case: a seller
# flag repeating the pair flags of a case already notified. It joins that case, not a new one.
COVERING_CASE: LiteralString = """
MATCH (f:Flag {flag_id: $flag_id})
WHERE size(coalesce(f.seller_ids, [])) = 1
  AND NOT EXISTS { MATCH (x:Case)-[:INCLUDES]->(f) WHERE x.status IN ['open', 'notified', 'closed'] }
  AND NOT EXISTS { MATCH (o:Case {status: 'open'}) WHERE o.seller_id IN coalesce(f.seller_ids, []) }
WITH f, [e IN coalesce(f.evidence, []) WHERE NOT e STARTS WITH 'buyer:'
         AND NOT e STARTS WITH 'seller:'] AS findings
WHERE size(findings) > 0
MATCH (c:Case)-[r:INCLUDES]->(g:Flag)
WHERE c.seller_id IN coalesce(f.seller_ids, []) AND c.status IN ['notified', 'closed']
WITH findings, c, reduce(acc = [], l IN collect(coalesce(r.evidence, g.evidence, [])) | acc + l)
     AS counted
WHERE all(e IN findings WHERE e IN counted)
RETURN c.case_id AS case_id ORDER BY c.opened_at DESC LIMIT 1
"""

DECIDE: LiteralString = (
    COUNTED
    + """
// Confirming a confirmed flag that would join no new case changes nothing (decide() says so).
WHERE NOT ($decision = 'confirmed' AND f.status = 'confirmed' AND
           (NOT joins OR EXISTS { (c:Case {status: 'open'})-[:INCLUDES]->(f) }))
SET f.status = $decision,
    f.decided_at = CASE WHEN $decision = 'open' THEN f.decided_at ELSE datetime() END,
    f.decided_by = CASE WHEN $decision = 'open' THEN f.decided_by ELSE $actor END,
    f.decision_note = CASE WHEN $decision = 'open' THEN f.decision_note ELSE $note END,
    // What the investigator decided on (later runs rewrite a decided flag's factors).
    f.decided_factors = CASE WHEN $decision = 'open' THEN f.decided_factors ELSE f.factors END,
    f.decided_score = CASE WHEN $decision = 'open' THEN f.decided_score ELSE f.score END,
    f.decided_weights_version = CASE WHEN $decision = 'open' THEN f.decided_weights_version
      ELSE COLLECT { MATCH (r:Run {run_id: f.run_id}) RETURN r.weights_version }[0] END,
    f.reopened_at = CASE WHEN $decision = 'open' THEN datetime() ELSE f.reopened_at END,
    f.reopened_by = CASE WHEN $decision = 'open' THEN $actor ELSE f.reopened_by END,
    f.reopen_note = CASE WHEN $decision = 'open' THEN $note ELSE f.reopen_note END
WITH f, joins
CALL (f, joins) {
  WITH f WHERE $decision = 'confirmed' AND joins AND $covering IS NOT NULL
  MATCH (c:Case {case_id: $covering})
  MERGE (c)-[r:INCLUDES]->(f)
  ON CREATE SET r.evidence = coalesce(f.evidence, []), r.at = datetime()
}
CALL (f, joins) {
  WITH f WHERE $decision = 'confirmed' AND joins AND $covering IS NULL
  UNWIND coalesce(f.seller_ids, []) AS sid
  MATCH (s:Seller {seller_id: sid})
  MERGE (c:Case {open_key: sid})
  ON CREATE SET c.case_id = 'case-' + substring(replace(randomUUID(), '-', ''), 0, 12),
                c.seller_id = sid, c.status = 'open', c.opened_at = datetime(),
                c.opened_by = $actor
  MERGE (c)-[:CONCERNS]->(s)
  MERGE (c)-[r:INCLUDES]->(f)
  ON CREATE SET r.evidence = coalesce(f.evidence, []), r.at = datetime()
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
RETURN f.flag_id AS flag_id, f.status AS status, true AS changed, """
    + CASE_IDS
    + """ AS case_ids
"""
)

STATE: LiteralString = (
    "MATCH (f:Flag {flag_id: $flag_id}) RETURN f.flag_id AS flag_id, f.status AS status, "
    "false AS changed, " + CASE_IDS + " AS case_ids"
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
    status: Literal["open", "confirmed", "dismissed", "unsure"]
    case_ids: list[str]
    changed: bool = True
    message: str | None = None


class AssignResult(BaseModel):
    assignee: str | None
    assigned: list[str]
    missing: list[str]


def _record(
    store: Store, flag_id: str, status: str, note: str, actor: Actor, action: str, months: int
) -> DecisionResult:
    covering = None
    if status == "confirmed":
        found = store.read(COVERING_CASE, {"flag_id": flag_id})
        covering = found[0]["case_id"] if found else None
    params = {
        "flag_id": flag_id,
        "covering": covering,
        "decision": status,
        "note": note,
        "actor": actor.key_id,
        "months": months,
        "audit": audit_params(actor, action, [flag_id], {"note": note, "decision": status}),
    }
    rows = store.write(DECIDE, params)
    if rows and covering is not None:
        return DecisionResult(
            **rows[0],
            message=f"its findings were all counted by case {covering}, notified already: it "
            "joins that case, and adds no strike",
        )
    if rows:
        return DecisionResult(**rows[0])
    state = store.read(STATE, {"flag_id": flag_id})
    if not state:
        raise NotFound(f"no flag {flag_id!r}; flag ids look like pair:b1:s1, seller:s1")
    cases = ", ".join(state[0]["case_ids"]) or "none"
    return DecisionResult(
        **state[0],
        message=f"{flag_id} is already confirmed (cases: {cases}); nothing changed. Its evidence "
        "counts toward one strike: only new evidence (a new finding, message or order) can open "
        "another case.",
    )


def decide(
    store: Store, flag_id: str, decision: Decision, note: str, actor: Actor, *, months: int
) -> DecisionResult:
    """Record a decision (see the module docstring); raises NotFound for an unknown flag.

    Confirming a flag already confirmed is a no-op (``changed`` false, with a ``message``): a
    flag's evidence counts toward at most one strike, so a flag whose case was notified or
    closed opens a new case only when it holds evidence that case did not count.
    """
    return _record(store, flag_id, decision, note, actor, f"flag.{decision}", months)


def reopen(store: Store, flag_id: str, note: str, actor: Actor, *, months: int) -> DecisionResult:
    """Put a decided flag back in the queue (``open``), with a note, audited as ``flag.reopen``.

    Like taking a confirmation back, it leaves a case that was notified as it is (the record
    stays) and voids an open case left with no flag. Confirming it again without new evidence
    does not open another case.
    """
    state = store.read(STATE, {"flag_id": flag_id})
    if not state:
        raise NotFound(f"no flag {flag_id!r}; flag ids look like pair:b1:s1, seller:s1")
    if state[0]["status"] not in ("confirmed", "dismissed", "unsure"):
        raise Conflict(f"{flag_id} is {state[0]['status']}, not decided: nothing to re-open")
    return _record(store, flag_id, "open", note, actor, "flag.reopen", months)


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
