"""Flags: one per pair, seller or cluster, updated by later runs rather than duplicated.

A later run re-alerts only on material change (new evidence, or a score that rose by more than
``realert_margin``); a dismissed flag stays dismissed unless new evidence arrives; an open flag whose
score fell below the threshold is ``cleared`` (investigators' decisions are never overwritten).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, LiteralString

from sidedeal.analysis.scoring import Score, rank_key
from sidedeal.graph.outbox import outbox_call
from sidedeal.graph.store import Store
from sidedeal.ids import buyer_key, seller_key

OPEN, DISMISSED, CLEARED = "open", "dismissed", "cleared"
DECIDED = frozenset({"confirmed", "dismissed", "unsure"})
BATCH = 1000

EXISTING_FLAGS: LiteralString = """
UNWIND $ids AS id
MATCH (f:Flag {flag_id: id})
RETURN f.flag_id AS flag_id, f.status AS status, f.score AS score, f.evidence AS evidence,
       f.new_evidence AS new_evidence
"""

UPSERT_FLAGS: LiteralString = """
UNWIND $rows AS row
MERGE (f:Flag {flag_id: row.flag_id})
ON CREATE SET f.created_at = datetime($now), f.first_run_id = $run_id
SET f.kind = row.kind, f.score = row.score, f.status = row.status, f.reasons = row.reasons,
    f.factors = row.factors, f.evidence = row.evidence, f.buyer_ids = row.buyer_ids,
    f.seller_ids = row.seller_ids, f.cluster_id = row.cluster_id, f.top_reason = row.top_reason,
    f.updated_at = datetime($now), f.run_id = $run_id,
    f.alerted_at = CASE WHEN row.alert THEN datetime($now) ELSE f.alerted_at END,
    f.new_evidence = row.new_evidence, f.features = row.features, f.rank = row.rank
WITH f, row
MATCH (r:Run {run_id: $run_id})
MERGE (f)-[:RAISED_BY]->(r)
WITH f, row
CALL (f, row) {
  UNWIND row.accounts AS key
  MATCH (a:Account {account_key: key})
  MERGE (f)-[:CONCERNS]->(a)
}
CALL (f, row) {
  WITH f, row WHERE row.cluster_id IS NOT NULL
  MATCH (c:Cluster {cluster_id: row.cluster_id})
  MERGE (f)-[:CONCERNS]->(c)
}
""" + outbox_call(
    "f, row",
    "row.event",
    "f {.flag_id, .kind, .status, .score, .top_reason, "
    ".reasons, .buyer_ids, .seller_ids, .cluster_id, .run_id, .new_evidence}",
    "row.event IS NOT NULL",
)

# A flag written after this run started (an event re-scored meanwhile) is newer than what this
# run read, and is left alone.
OPEN_FLAGS_NOT_RAISED: LiteralString = """
MATCH (f:Flag)
WHERE f.status = 'open' AND f.run_id <> $run_id AND f.updated_at < datetime($now)
SET f.status = 'cleared', f.cleared_at = datetime($now), f.run_id = $run_id
RETURN count(f) AS n
"""

# The same, among the flags an incremental run looked at.
OPEN_FLAGS_NOT_RAISED_IN: LiteralString = """
UNWIND $ids AS id
MATCH (f:Flag {flag_id: id})
WHERE f.status = 'open' AND f.run_id <> $run_id AND f.updated_at < datetime($now)
SET f.status = 'cleared', f.cleared_at = datetime($now), f.run_id = $run_id
RETURN count(f) AS n
"""


@dataclass(frozen=True)
class Existing:
    status: str
    score: float
    evidence: frozenset[str]
    new_evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    status: str
    alert: bool
    new_evidence: tuple[str, ...] = ()


def decide(existing: Existing | None, score: Score, margin: float) -> Decision:
    """What a run does with a flag it raises again (see the module docstring)."""
    if existing is None:
        return Decision(OPEN, True, tuple(sorted(score.evidence)))
    new = tuple(sorted(score.evidence - existing.evidence))
    if existing.status in DECIDED:
        # A decision stands; new evidence is pointed out (a dismissed flag reopens on it).
        if existing.status == DISMISSED and new:
            return Decision(OPEN, True, new)
        return Decision(existing.status, bool(new), new)
    if existing.status == CLEARED:
        return Decision(OPEN, True, new)
    rose = score.value - existing.score > margin
    return Decision(OPEN, bool(new) or rose, new)


def webhook_event(before: Existing | None, decision: Decision) -> str | None:
    """What other tools hear of this write: ``flag.raised`` for a new flag or one that opens
    again, ``flag.updated`` when it alerts anew (new evidence, or a rise beyond the margin),
    nothing for a run that only confirms what they know."""
    if decision.status == OPEN and (before is None or before.status != OPEN):
        return "flag.raised"
    return "flag.updated" if decision.alert else None


@dataclass
class FlagDraft:
    flag_id: str
    kind: str
    score: Score
    buyer_ids: list[str] = field(default_factory=list)
    seller_ids: list[str] = field(default_factory=list)
    cluster_id: str | None = None
    features: dict[str, Any] | None = None

    @property
    def accounts(self) -> list[str]:
        """Accounts the flag CONCERNS; a cluster flag concerns its Cluster node instead."""
        if self.cluster_id is not None:
            return []
        return [buyer_key(b) for b in self.buyer_ids] + [seller_key(s) for s in self.seller_ids]


@dataclass
class FlagCounts:
    raised: int = 0
    new: int = 0
    alerted: int = 0
    reopened: int = 0
    cleared: int = 0
    suppressed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def write_flags(
    store: Store,
    drafts: Iterable[FlagDraft],
    *,
    run_id: str,
    now: str,
    margin: float,
    suppressed: frozenset[str] = frozenset(),
    scope: Iterable[str] | None = None,
) -> FlagCounts:
    """Upsert the run's flags in batches, then clear open flags this run did not raise (among
    ``scope``, the flag ids an incremental run looked at, when given).

    ``suppressed`` flags (an allow-listed or snoozed pair) are still scored and kept, but never
    alert, never reopen, and keep the evidence they had when suppressed: so when a snooze expires,
    whatever arrived meanwhile counts as new evidence and alerts then.
    """
    counts = FlagCounts()
    batch: list[FlagDraft] = []
    for draft in drafts:
        batch.append(draft)
        if len(batch) >= BATCH:
            _write_batch(store, batch, run_id, now, margin, counts, suppressed)
            batch = []
    if batch:
        _write_batch(store, batch, run_id, now, margin, counts, suppressed)
    if scope is None:
        rows = store.write(OPEN_FLAGS_NOT_RAISED, {"now": now, "run_id": run_id})
        counts.cleared = int(rows[0]["n"]) if rows else 0
        return counts
    ids = sorted(set(scope))
    for start in range(0, len(ids), BATCH):
        rows = store.write(
            OPEN_FLAGS_NOT_RAISED_IN,
            {"ids": ids[start : start + BATCH], "now": now, "run_id": run_id},
        )
        counts.cleared += int(rows[0]["n"]) if rows else 0
    return counts


def _write_batch(
    store: Store,
    batch: list[FlagDraft],
    run_id: str,
    now: str,
    margin: float,
    counts: FlagCounts,
    suppressed: frozenset[str],
) -> None:
    existing = {
        row["flag_id"]: Existing(
            row["status"],
            row["score"],
            frozenset(row["evidence"] or ()),
            tuple(row["new_evidence"] or ()),
        )
        for row in store.read(EXISTING_FLAGS, {"ids": [d.flag_id for d in batch]})
    }
    rows: list[dict[str, Any]] = []
    for draft in batch:
        before = existing.get(draft.flag_id)
        decision = decide(before, draft.score, margin)
        evidence = sorted(draft.score.evidence)
        if draft.flag_id in suppressed:
            counts.suppressed += 1
            decision = Decision(before.status if before else OPEN, False, ())
            if before is not None:
                evidence = sorted(before.evidence)
        new_evidence = list(decision.new_evidence)
        if not new_evidence and before is not None and before.evidence == frozenset(evidence):
            # Nothing changed: what was new when the flag last changed stays pointed out, until
            # an investigator has seen it change again (a run that only re-reads must not erase it).
            new_evidence = list(before.new_evidence)
        counts.raised += 1
        counts.new += before is None
        counts.alerted += decision.alert
        counts.reopened += before is not None and before.status != OPEN and decision.status == OPEN
        counts.by_kind[draft.kind] = counts.by_kind.get(draft.kind, 0) + 1
        rows.append(
            {
                "flag_id": draft.flag_id,
                "kind": draft.kind,
                "score": round(draft.score.value, 4),
                "rank": rank_key(draft.score),
                "status": decision.status,
                "alert": decision.alert,
                "new_evidence": new_evidence,
                "reasons": draft.score.reasons(),
                "top_reason": draft.score.reasons()[0] if draft.score.contributions else None,
                "factors": json.dumps([c.as_dict() for c in draft.score.contributions]),
                "evidence": evidence,
                "buyer_ids": draft.buyer_ids,
                "seller_ids": draft.seller_ids,
                "cluster_id": draft.cluster_id,
                "accounts": draft.accounts,
                "features": json.dumps(draft.features) if draft.features is not None else None,
                "event": webhook_event(before, decision),
            }
        )
    store.write(UPSERT_FLAGS, {"rows": rows, "run_id": run_id, "now": now})
