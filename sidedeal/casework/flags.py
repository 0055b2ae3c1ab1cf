"""The flag queue: what investigators work through, filtered, sorted and paged in the graph.

A pair that is allow-listed or snoozed (an unexpired ``AllowList`` node keyed by the pair flag's id)
is hidden from the queue until its expiry unless the caller asks for it. Masking for viewers covers
the analysis's prose: reasons quote the values they found, so the identifier keys in a flag's
evidence are masked wherever they appear in its text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, LiteralString

from pydantic import BaseModel, Field

from sidedeal.casework.common import loads, natives, now, utc_iso
from sidedeal.casework.masking import known_values, mask_free_text, mask_key, mask_text
from sidedeal.errors import NotFound
from sidedeal.graph.store import Store

FlagKind = Literal["pair", "seller", "cluster"]
FlagStatus = Literal["open", "confirmed", "dismissed", "unsure", "cleared"]
FlagSort = Literal[
    "score_desc", "score_asc", "newest", "oldest", "rank_desc", "value_desc", "evidence_newest"
]

# Temporal values travel as ISO strings: the driver builds a Python datetime per value slowly,
# pydantic parses the strings back cheaply (figures: bench/RESULTS.md, "Why the code is shaped so").
SUMMARY_FIELDS: LiteralString = """
f {.flag_id, .kind, .status, .score, .top_reason, .reasons, .buyer_ids, .seller_ids,
   .cluster_id, .run_id, .assignee,
   evidence: [e IN f.evidence WHERE e CONTAINS ':' AND NOT e STARTS WITH 'buyer:'
              AND NOT e STARTS WITH 'seller:'],
   created_at: toString(f.created_at), updated_at: toString(f.updated_at),
   alerted_at: toString(f.alerted_at), decided_at: toString(f.decided_at),
   rank: f.rank, estimated_sales: f.estimated_sales, currency: f.currency,
   value_basis: f.value_basis, last_evidence_at: toString(f.last_evidence_at),
   suppressed_until: toString(COLLECT { MATCH (w:AllowList {flag_id: f.flag_id})
                                        WHERE w.expires_at > datetime() RETURN w.expires_at }[0]),
   seller_names: [id IN f.seller_ids[..5] |
                  coalesce(COLLECT { MATCH (s:Seller {seller_id: id}) RETURN s.name }[0], id)],
   buyer_names: [id IN f.buyer_ids[..5] |
                 coalesce(COLLECT { MATCH (b:Buyer {buyer_id: id}) RETURN b.name }[0], id)]}
"""

# Allow-listed and snoozed pairs are read once per request (there are few), not per flag.
HIDDEN: LiteralString = """
CALL () {
  OPTIONAL MATCH (w:AllowList) WHERE w.expires_at > datetime()
  RETURN collect(w.flag_id) AS hidden
}
"""

# The WHERE clause holds only the filters a request uses, joined from these constant fragments
# (values stay parameters): a `$x IS NULL OR ...` per unused filter cost more than the page.
CONDITIONS: dict[str, LiteralString] = {
    "statuses": "f.status IN $statuses",
    "min_score": "f.score >= $min_score",
    "kind": "f.kind = $kind",
    "max_score": "f.score <= $max_score",
    "created_before": "f.created_at <= datetime($created_before)",
    "created_after": "f.created_at >= datetime($created_after)",
    "assignee": "f.assignee = $assignee",
    "unassigned": "f.assignee IS NULL",
    "seller_id": "$seller_id IN f.seller_ids",
    "buyer_id": "$buyer_id IN f.buyer_ids",
    "evidence_after": "f.last_evidence_at >= datetime($evidence_after)",
    "evidence_before": "f.last_evidence_at < datetime($evidence_before)",
    "hidden": "NOT f.flag_id IN hidden",
}

# The order is query text, with a predicate on its key so that the planner walks that key's index
# in order and stops at the page instead of sorting every flag.
ORDERS: dict[str, tuple[LiteralString, LiteralString]] = {
    "score_desc": ("f.score >= 0.0", "ORDER BY f.score DESC, f.flag_id"),
    "score_asc": ("f.score >= 0.0", "ORDER BY f.score ASC, f.flag_id"),
    "newest": ("f.created_at IS NOT NULL", "ORDER BY f.created_at DESC, f.flag_id"),
    "oldest": ("f.created_at IS NOT NULL", "ORDER BY f.created_at ASC, f.flag_id"),
    # The non-saturating rank (analysis/scoring.py: rank_key), the money at stake (the estimate
    # sorts as its value: the commission rate is one number), the most recent conduct.
    "rank_desc": ("f.rank >= 0.0", "ORDER BY f.rank DESC, f.flag_id"),
    "value_desc": ("f.estimated_sales >= 0.0", "ORDER BY f.estimated_sales DESC, f.flag_id"),
    "evidence_newest": (
        "f.last_evidence_at IS NOT NULL",
        "ORDER BY f.last_evidence_at DESC, f.flag_id",
    ),
}


@lru_cache(maxsize=256)
def queue_query(filters: tuple[str, ...], sort: str) -> LiteralString:
    """The queue statement for these filters (keys of CONDITIONS) and sort (a key of ORDERS).

    The count has no ordering predicate: with only the filters used it runs on the status index,
    cheaper than through the score index (bench/RESULTS.md, "Why the code is shaped so").
    """
    key, order = ORDERS[sort]
    conditions = [CONDITIONS[name] for name in filters]
    count_where: LiteralString = " AND ".join(conditions) if conditions else "true"
    page_where: LiteralString = " AND ".join([key, *conditions])
    scope: LiteralString = "CALL (hidden) {" if "hidden" in filters else "CALL () {"
    return (
        (HIDDEN if "hidden" in filters else "")
        + scope
        + "MATCH (f:Flag) WHERE "
        + count_where
        + " RETURN count(f) AS count } "
        + scope
        + "MATCH (f:Flag) WHERE "
        + page_where
        + " WITH f "
        + order
        + " SKIP $offset LIMIT $limit RETURN collect("
        + SUMMARY_FIELDS
        + ") AS flags } RETURN count, flags"
    )


FLAG: LiteralString = (
    "MATCH (f:Flag {flag_id: $flag_id}) RETURN "
    + SUMMARY_FIELDS
    + """ AS flag, f.factors AS factors, f.features AS features, f.decided_by AS decided_by,
       coalesce(f.evidence, []) AS all_evidence, coalesce(f.new_evidence, []) AS new_evidence,
       f.decision_note AS decision_note,
       [(c:Case)-[:INCLUDES]->(f) | c.case_id] AS case_ids
"""
)


class FlagSummary(BaseModel):
    """A flag as the queue lists it: score, status, why (reasons, strongest first), who has it."""

    flag_id: str
    kind: FlagKind
    status: FlagStatus
    score: float
    top_reason: str | None = None
    reasons: list[str] = []
    buyer_ids: list[str] = []
    seller_ids: list[str] = []
    cluster_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    alerted_at: datetime | None = None
    run_id: str | None = None
    # The identifier keys among the evidence, kept to mask the reasons for viewers but not sent
    # with each queue item: the full evidence is in the flag's detail.
    evidence: list[str] = Field(default=[], exclude=True)
    assignee: str | None = None
    decided_at: datetime | None = None
    suppressed_until: datetime | None = None
    # Ranking that does not saturate at a score of 1.00 (analysis/scoring.py: rank_key).
    rank: float | None = None
    # The money at stake (analysis/value.py): the commission (SIDEDEAL_COMMISSION_RATE) on the
    # estimated off-platform sales, in `currency`; `value_basis` says what the estimate rests on.
    value_at_risk: float | None = None
    estimated_sales: float | None = None
    currency: str | None = None
    value_basis: str | None = None
    # For the queue: who the flag is about (names of the first five of each side, the id where
    # an account has no name).
    seller_names: list[str] = []
    buyer_names: list[str] = []
    # When the conduct last showed (the latest message among the evidence), not the flag's age.
    last_evidence_at: datetime | None = None

    def masked(self) -> FlagSummary:
        return self.model_copy(update=_masked_common(self, known_values(self.evidence)))


class Factor(BaseModel):
    """One named reason and its share of the score (contributions add up to the score)."""

    signal: str
    weight: float
    contribution: float
    reason: str
    evidence: list[str] = []


class FlagPublic(FlagSummary):
    evidence: list[str] = []
    new_evidence: list[str] = []
    factors: list[Factor] = []
    features: dict[str, Any] | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    case_ids: list[str] = []

    def masked(self) -> FlagPublic:
        known = known_values(self.evidence)
        update = _masked_common(self, known)
        update["new_evidence"] = [mask_key(e) for e in self.new_evidence]
        if self.decision_note:
            update["decision_note"] = mask_free_text(self.decision_note)
        update["factors"] = [
            f.model_copy(
                update={
                    "reason": mask_text(f.reason, known),
                    "evidence": [mask_key(e) for e in f.evidence],
                }
            )
            for f in self.factors
        ]
        if self.features is not None:
            features = dict(self.features)
            features["shared_identifiers"] = [
                mask_key(k) for k in features.get("shared_identifiers") or []
            ]
            update["features"] = features
        return self.model_copy(update=update)


def _masked_common(flag: FlagSummary, known: dict[str, str]) -> dict[str, Any]:
    return {
        "top_reason": mask_text(flag.top_reason, known) if flag.top_reason else None,
        "reasons": [mask_text(r, known) for r in flag.reasons],
        "evidence": [mask_key(e) for e in flag.evidence],
    }


def _summary(raw: dict[str, Any], rate: float) -> dict[str, Any]:
    item = natives(raw)
    for key in ("reasons", "buyer_ids", "seller_ids", "evidence", "seller_names", "buyer_names"):
        item[key] = list(item.get(key) or [])
    sales = item.get("estimated_sales")
    item["value_at_risk"] = None if sales is None else round(sales * rate, 2)
    return item


def queue(
    store: Store,
    *,
    statuses: list[FlagStatus] | None = None,
    kind: FlagKind | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    min_age_days: float | None = None,
    max_age_days: float | None = None,
    assignee: str | None = None,
    unassigned: bool = False,
    seller_id: str | None = None,
    buyer_id: str | None = None,
    include_suppressed: bool = False,
    evidence_after: datetime | None = None,
    evidence_before: datetime | None = None,
    sort: FlagSort = "score_desc",
    limit: int = 50,
    offset: int = 0,
    commission_rate: float,
) -> tuple[list[FlagSummary], int]:
    """One page of the queue and the number of flags matching the filters; ``commission_rate``
    prices the estimated off-platform sales (``value_at_risk``)."""
    moment = now()
    params: dict[str, Any] = {
        "statuses": statuses or None,
        "min_score": min_score,
        "kind": kind,
        "max_score": max_score,
        "created_before": _ago(moment, min_age_days),
        "created_after": _ago(moment, max_age_days),
        "assignee": assignee,
        "unassigned": unassigned or None,
        "seller_id": seller_id,
        "buyer_id": buyer_id,
        "hidden": None if include_suppressed else True,
        "evidence_after": utc_iso(evidence_after),
        "evidence_before": utc_iso(evidence_before),
    }
    filters = tuple(name for name in CONDITIONS if params[name] is not None)
    params.update(limit=limit, offset=offset)
    rows = store.read(queue_query(filters, sort), params)
    row = rows[0]
    summaries = [FlagSummary(**_summary(f, commission_rate)) for f in row["flags"]]
    return summaries, int(row["count"])


def _ago(moment: datetime, days: float | None) -> str | None:
    return None if days is None else (moment - timedelta(days=days)).isoformat()


def get_flag(store: Store, flag_id: str, *, commission_rate: float) -> FlagPublic:
    """One flag with its factors, features, decision and cases."""
    rows = store.read(FLAG, {"flag_id": flag_id})
    if not rows:
        raise NotFound(f"no flag {flag_id!r}; flag ids look like pair:b1:s1, seller:s1")
    row = rows[0]
    item = _summary(row["flag"], commission_rate)
    item.update(
        evidence=list(row["all_evidence"]),
        new_evidence=list(row["new_evidence"]),
        factors=loads(row["factors"], []),
        features=loads(row["features"], None),
        decided_by=row["decided_by"],
        decision_note=row["decision_note"],
        case_ids=list(row["case_ids"]),
    )
    return FlagPublic(**item)
