"""Incremental analysis: score again only what changed since the last complete run, exactly as a
full run would score it; and the same for the pairs one event touched. The entry points live in
``run.py`` beside the full run: ``analyze(store, weights, full=False)`` and
``rescore_pairs(store, weights, {(buyer_id, seller_id)}, trigger=...)`` (its docstring holds its
contract); this module holds their stages.

**Contract.** On the same graph, from the state the last run left, ``analyze(full=False)`` writes
the same account links, pair scores and features, seller scores, cluster ids, members and scores,
and flags (status, score, reasons, factors, evidence, features, new evidence, whether it alerted)
as ``analyze(full=True)``; floats are equal, not close. Only stamps differ: which run last wrote
an item that did not change, and its ``RAISED_BY`` edges. ``tests/integration/test_incremental.py``
holds it to that over several deltas.

**What a change reaches** (the stamps are read by ``changes.py``):

- a pair whose messages, conversations or orders changed;
- an identifier that gained a holder: the links of the accounts that gained it (their overlaps
  moved) and of all its holders while it weighs (at most ``max_holders`` before or now), hence
  the buyer-seller pairs and the sellers at both ends of those links, before and after; and the
  pairs that mention it when its holder count changes how personal a mention is;
- the data's "now" (its latest message or order): the pairs whose quiet period crossed
  ``quiet_days`` between the last run's now and this one's. That is the only way time enters a
  score: reasons and features give the date of the exchange, not a count of days;
- an allow-list or snooze set, lifted or expired: that pair;
- the sellers of every pair above and at the ends of every rewritten link;
- clusters: the components those accounts are in, with the clusters they touch (``regroup.py``),
  and the clusters of every account whose own score was recomputed.

**When a run is full instead**: ``--full``; no complete run yet, or the last one failed; other
weights; or the marketplace crossed a population step. Identifier weights are IDF over the
number of accounts N, which every new account moves. The IDF uses ``links.population(N)``, N
rounded up to a step of 2^(1/8) (~9%): between steps a weight is exactly what a full run computes,
and the run that sees a new step is full. I chose steps over a tolerance (which makes incremental
differ from full by construction) and over keeping the N of the last full run (a full run on the
same graph would then differ); a step moves a weight by at most ~0.002, and a marketplace that
grows 1% a week crosses one every two months, on the night the worker runs full anyway.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, LiteralString

from sidedeal.analysis import changes
from sidedeal.analysis import pairs as pair_scoring
from sidedeal.analysis.config import Weights
from sidedeal.analysis.flags import FlagCounts
from sidedeal.analysis.links import LinkResult, holder_counts, link_rows, links_of
from sidedeal.analysis.regroup import regroup, stored_member_scores
from sidedeal.analysis.results import stored_links, write_links, write_seller_scores
from sidedeal.analysis.scoring import Score, score_from_json
from sidedeal.analysis.stages import (
    ClusterResult,
    Pair,
    PairResult,
    buyer_seller,
    flag_stage,
    pair_result,
    score_evidence,
    seller_stage,
    write_pair_scores,
)
from sidedeal.graph.store import Store
from sidedeal.ids import (
    account_id,
    buyer_key,
    cluster_flag_id,
    is_seller,
    pair_flag_id,
    seller_flag_id,
    seller_key,
)

BATCH = 2000

PAIR_FINDINGS: LiteralString = """
UNWIND $pairs AS p
MATCH (:Buyer {buyer_id: p[0]})-[d:DEALT_WITH]->(:Seller {seller_id: p[1]})
RETURN collect([p[0], p[1], coalesce(d.findings, 0)]) AS rows
"""

# Buyer-seller pairs among some accounts' links that never dealt (no DEALT_WITH edge keeps their
# score: it follows from the link alone, and is computed again wherever it is needed).
LINK_ONLY_PAIRS: LiteralString = """
UNWIND $accounts AS key
MATCH (:Account {account_key: key})-[l:SHARES_IDENTIFIERS]-()
WITH DISTINCT startNode(l) AS b, endNode(l) AS s
WHERE b:Buyer AND s:Seller AND NOT (b)-[:DEALT_WITH]->(s)
RETURN collect([b.buyer_id, s.seller_id]) AS pairs
"""

# The pairs that weigh on some sellers, with their exact factors (stages.write_pair_scores).
EVIDENCE_OF_SELLERS: LiteralString = """
UNWIND $sellers AS id
MATCH (b:Buyer)-[d:DEALT_WITH]->(:Seller {seller_id: id})
WHERE d.evidence_score IS NOT NULL
RETURN collect([b.buyer_id, id, d.factors]) AS rows
"""


@dataclass(frozen=True)
class Baseline:
    """What the last complete run left: where changes start, and what it measured."""

    run_id: str
    since: str  # its watermark less changes.WATERMARK_SLACK, as Neo4j datetime text
    population: float
    as_of_us: int
    suppressed: dict[str, str]
    weights_sha1: str


@dataclass(frozen=True)
class Context:
    """One run's view: its id and time, the data's now, the population step, suppressions."""

    run_id: str
    now: str
    as_of: datetime | None
    as_of_us: int | None
    population: float
    suppressed: dict[str, str]


@dataclass
class Scope:
    """What an incremental run looked at (sizes go into the run's counts)."""

    accounts: set[str] = field(default_factory=set)  # links recomputed
    pairs: set[Pair] = field(default_factory=set)
    sellers: set[str] = field(default_factory=set)
    ends: set[str] = field(default_factory=set)  # accounts at either end of those links
    links_written: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "accounts_relinked": len(self.accounts),
            "links_written": self.links_written,
            "pairs_rescored": len(self.pairs),
            "sellers_rescored": len(self.sellers),
        }


def relink(store: Store, weights: Weights, ctx: Context, scope: Scope) -> None:
    """Recompute every link touching ``scope.accounts``; add the pairs and accounts at their
    ends, before and after, to the scope."""
    if not scope.accounts:
        return
    old = stored_links(store, scope.accounts)
    new = links_of(store, weights, scope.accounts, ctx.population)
    write_links(store, link_rows(new), ctx.run_id, now=ctx.now, accounts=scope.accounts)
    scope.links_written = len(new)
    scope.ends |= {account for pair in (*old, *new) for account in pair}
    scope.pairs |= set(buyer_seller(old)) | set(buyer_seller(new))


def rescore(store: Store, weights: Weights, ctx: Context, pairs: set[Pair]) -> PairResult:
    """Score ``pairs`` as a full run would and keep the result on their edges."""
    ordered = sorted(pairs)
    findings: dict[Pair, int] = {}
    for start in range(0, len(ordered), BATCH):
        rows = store.read_plain(PAIR_FINDINGS, {"pairs": ordered[start : start + BATCH]})
        findings.update({(b, s): int(n) for b, s, n in (rows[0]["rows"] if rows else [])})
    linked = {
        pair: link
        for pair, link in buyer_seller(
            stored_links(store, {buyer_key(b) for b, _ in pairs})
        ).items()
        if pair in pairs
    }
    candidates = sorted(p for p in pairs if findings.get(p, 0) > 0 or p in linked)
    evidence = list(pair_scoring.read_evidence(store, candidates))
    keys = {m.key for ev in evidence for m in ev.mentions}
    holders = {key: n for key, (n, _) in holder_counts(store, keys).items()}
    scored = score_evidence(weights, evidence, linked, holders, ctx.as_of)
    result = pair_result(
        weights, scored, ctx.suppressed, candidates=len(candidates), as_of=ctx.as_of
    )
    write_pair_scores(store, result, run_id=ctx.run_id, now=ctx.now)
    gone = sorted(pairs - set(candidates))
    for start in range(0, len(gone), BATCH):
        store.write(
            pair_scoring.RESET_PAIRS,
            {"pairs": gone[start : start + BATCH], "run_id": ctx.run_id, "now": ctx.now},
        )
    return result


def link_only_evidence(
    store: Store, weights: Weights, ctx: Context, accounts: set[str]
) -> dict[Pair, Score]:
    """The pairs among ``accounts``' links that never dealt and weigh (flagged, not allowed)."""
    pairs: set[Pair] = set()
    ordered = sorted(accounts)
    for start in range(0, len(ordered), BATCH):
        rows = store.read_plain(LINK_ONLY_PAIRS, {"accounts": ordered[start : start + BATCH]})
        pairs.update((b, s) for b, s in (rows[0]["pairs"] if rows else []))
    if not pairs:
        return {}
    linked = buyer_seller(stored_links(store, {buyer_key(b) for b, _ in pairs}))
    evidence = pair_scoring.read_evidence(store, sorted(pairs))
    scored = score_evidence(weights, evidence, linked, {}, ctx.as_of)
    return pair_result(weights, scored, ctx.suppressed, candidates=0, as_of=ctx.as_of).evidence


def member_scores(
    store: Store, weights: Weights, ctx: Context, accounts: set[str]
) -> dict[str, float]:
    """What each account brings to its cluster's score (stages.member_scores), from what the
    graph keeps and the pairs that never dealt."""
    scores = stored_member_scores(store, accounts)
    for (buyer, _), score in link_only_evidence(store, weights, ctx, accounts).items():
        key = buyer_key(buyer)
        if key in accounts:
            scores[key] = max(scores.get(key, 0.0), score.value)
    return scores


def rescore_sellers(
    store: Store, weights: Weights, ctx: Context, sellers: set[str]
) -> dict[str, Score]:
    """Score ``sellers`` (ids) from their pairs and links as stored (after this run's writes);
    keep the scores on their nodes. Returns scores > 0 by account key, as ``seller_stage``."""
    evidence: dict[Pair, Score] = {}
    ordered = sorted(sellers)
    for start in range(0, len(ordered), BATCH):
        rows = store.read_plain(EVIDENCE_OF_SELLERS, {"sellers": ordered[start : start + BATCH]})
        for b, s, factors in rows[0]["rows"] if rows else []:
            evidence[(b, s)] = score_from_json(factors)
    evidence.update(link_only_evidence(store, weights, ctx, {seller_key(s) for s in sellers}))
    links = stored_links(store, {seller_key(s) for s in sellers})
    keys = {key for link in links.values() for key in link.keys}
    seller_holders = {key: n for key, (_, n) in holder_counts(store, keys).items()}
    weighing = PairResult(evidence, {}, evidence, evidence, ctx.suppressed, 0, None)
    scores = seller_stage(weights, LinkResult(links, {}, seller_holders), weighing)
    mine = {key: score for key, score in scores.items() if account_id(key) in sellers}
    write_seller_scores(
        store,
        {account_id(key): score.value for key, score in mine.items()},
        run_id=ctx.run_id,
        now=ctx.now,
        sellers=sellers,
    )
    return mine


def _sellers_of(scope: Scope) -> set[str]:
    ends = {account_id(a) for a in scope.ends | scope.accounts if is_seller(a)}
    return {s for _, s in scope.pairs} | ends


def _flags(
    store: Store,
    weights: Weights,
    ctx: Context,
    pairs: PairResult,
    sellers: dict[str, Score],
    clusters: ClusterResult,
    scope_ids: set[str],
) -> FlagCounts:
    return flag_stage(
        store, weights, pairs, sellers, clusters, run_id=ctx.run_id, now=ctx.now, scope=scope_ids
    )


def run_incremental(
    store: Store,
    weights: Weights,
    ctx: Context,
    baseline: Baseline,
    lap: Callable[[str], None] = lambda stage: None,
) -> dict[str, Any]:
    """The stages of an incremental run (see the module docstring); returns its counts.
    ``lap(stage)`` is called as each stage ends (the run's ``stage_seconds``)."""
    since = baseline.since
    scope = Scope(pairs=changes.changed_pairs(store, since))
    identifiers = changes.changed_identifiers(store, weights, since)
    for change in identifiers:
        scope.accounts |= change.relinks()
    lap("changes")
    relink(store, weights, ctx, scope)
    lap("links")
    personal = {c.key for c in identifiers if c.personal_changed(weights)}
    scope.pairs |= changes.pairs_mentioning(store, personal)
    if ctx.as_of_us is not None:
        scope.pairs |= changes.pairs_crossing_quiet(store, weights, baseline.as_of_us, ctx.as_of_us)
    scope.pairs |= changes.suppression_changed(baseline.suppressed, ctx.suppressed)
    pairs = rescore(store, weights, ctx, scope.pairs)
    lap("pairs")
    scope.sellers = _sellers_of(scope)
    sellers = rescore_sellers(store, weights, ctx, scope.sellers)
    lap("sellers")
    # Every account whose links, pairs or own score may have changed (sellers re-scored are at
    # the ends of those pairs and links).
    dirty = scope.accounts | scope.ends | changes.pair_accounts(scope.pairs)
    grouped = regroup(
        store,
        weights,
        dirty,
        lambda accounts: member_scores(store, weights, ctx, accounts),
        run_id=ctx.run_id,
        now=ctx.now,
    )
    clusters = ClusterResult(grouped.clusters, grouped.scores, grouped.dissolved)
    lap("clusters")
    scope_ids = {pair_flag_id(b, s) for b, s in scope.pairs}
    scope_ids |= {seller_flag_id(s) for s in scope.sellers}
    scope_ids |= {cluster_flag_id(c) for c in grouped.touched}
    flags = _flags(store, weights, ctx, pairs, sellers, clusters, scope_ids)
    lap("flags")
    return {
        **scope.counts(),
        "identifiers_changed": len(identifiers),
        "candidate_pairs": pairs.candidates,
        "scored_pairs": len(pairs.scores),
        "clusters_regrouped": grouped.regrouped,
        "clusters_dissolved": grouped.dissolved,
        "flags": asdict(flags),
    }


def rescore_event_pairs(
    store: Store, weights: Weights, ctx: Context, baseline: Baseline | None, given: set[Pair]
) -> dict[str, Any]:
    """The stages of :func:`rescore_pairs` (see there); returns its counts."""
    since = baseline.since if baseline else "1970-01-01T00:00:00Z"
    mine = {s for _, s in given}
    scope = Scope(pairs=set(given) | changes.changed_pairs(store, since, mine))
    accounts = changes.pair_accounts(given)
    keys = changes.changed_keys_of(store, accounts, since)
    keys |= changes.mentioned_changed(store, mine, since)
    identifiers = changes.changed_identifiers(store, weights, since, keys)
    scope.accounts = {seller_key(s) for s in mine}
    for change in identifiers:
        scope.accounts |= change.relinks()
    relink(store, weights, ctx, scope)
    personal = {c.key for c in identifiers if c.personal_changed(weights)}
    scope.pairs |= changes.pairs_mentioning(store, personal)
    before_us = baseline.as_of_us if baseline else 0
    if ctx.as_of_us is not None:
        scope.pairs |= changes.pairs_crossing_quiet(store, weights, before_us, ctx.as_of_us, mine)
    previous = baseline.suppressed if baseline else {}
    scope.pairs |= changes.suppression_changed(previous, ctx.suppressed, mine)
    pairs = rescore(store, weights, ctx, scope.pairs)
    scope.sellers = _sellers_of(scope)
    sellers = rescore_sellers(store, weights, ctx, scope.sellers)
    scope_ids = {pair_flag_id(b, s) for b, s in scope.pairs}
    scope_ids |= {seller_flag_id(s) for s in scope.sellers}
    flags = _flags(store, weights, ctx, pairs, sellers, ClusterResult({}, {}, 0), scope_ids)
    return {
        **scope.counts(),
        "identifiers_changed": len(identifiers),
        "candidate_pairs": pairs.candidates,
        "scored_pairs": len(pairs.scores),
        "flags": asdict(flags),
    }


def suppressed_json(suppressed: dict[str, str]) -> str:
    return json.dumps(suppressed, sort_keys=True)
