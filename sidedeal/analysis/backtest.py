"""Backtest: score the current graph with candidate weights, beside the active ones, writing nothing.

An analysis run reads the graph, scores it and writes links, scores, clusters and flags. A
backtest does the reading and the scoring of a full run twice (the active weights and the
candidate), never the writing, and compares the flags each would raise:

- ``raised`` / ``cleared`` / ``unchanged``, by kind: flags the candidate raises and the active
  weights do not, the reverse, and both;
- ``top_overlap``: how many of the queue's first 50 (open flags, score descending, as
  ``GET /flags`` ranks them) stay in the first 50;
- ``decided``: on flags investigators decided, confirmed flags the candidate would lose and
  dismissed flags it would still raise, and for each weights the precision (confirmed among the
  decided flags it raises, unsure left out) and recall (confirmed flags it raises among all
  confirmed) estimated from those decisions.

Both sides are scored from the same reads (the pairs' evidence is read once for the union of the
two candidate sets), so a difference is the weights', never a graph that moved in between. Cluster
ids are assigned against the clusters in the graph, as a run would. The active side is scored
afresh rather than read from the stored flags: a decided flag keeps the score of the last run that
raised it, which would make the active side's estimates stale.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, LiteralString

from sidedeal.analysis import pairs as pair_scoring
from sidedeal.analysis.clusters import assign_ids, find_groups, score_cluster
from sidedeal.analysis.config import Weights
from sidedeal.analysis.flags import DECIDED, FlagDraft
from sidedeal.analysis.links import LinkResult, build_links, count_population
from sidedeal.analysis.results import previous_clusters
from sidedeal.analysis.stages import (
    ClusterResult,
    Pair,
    buyer_seller_links,
    cluster_edges,
    flag_drafts,
    member_scores,
    pair_result,
    read_suppressed,
    score_evidence,
    seller_stage,
)
from sidedeal.graph.store import Store

TOP = 50

DECIDED_FLAGS: LiteralString = """
MATCH (f:Flag) WHERE f.status IN $decided
RETURN f.flag_id AS flag_id, f.status AS status
"""


@dataclass
class Side:
    """What one set of weights would raise: flag id -> (kind, score)."""

    flags: dict[str, tuple[str, float]]
    seconds: float


@dataclass
class DecidedFigures:
    """One side's figures on decided flags."""

    raised_confirmed: int = 0
    raised_dismissed: int = 0
    raised_unsure: int = 0
    precision: float | None = None
    recall: float | None = None


@dataclass
class BacktestReport:
    raised: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    top_overlap: int = 0
    top_size: int = TOP
    decided: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Reads:
    """What both sides score from: read once."""

    population: float
    as_of: datetime | None
    findings: set[Pair]
    evidence: dict[Pair, pair_scoring.PairEvidence]
    suppressed: dict[str, str]
    previous: dict[str, frozenset[str]]


def score_side(store: Store, weights: Weights, reads: _Reads, links: LinkResult) -> Side:
    """The flags ``weights`` would raise on the graph as read (pure but for the links)."""
    started = time.perf_counter()
    by_pair = buyer_seller_links(links)
    candidates = reads.findings | set(by_pair)
    evidence = [reads.evidence[p] for p in sorted(candidates) if p in reads.evidence]
    scored = score_evidence(weights, evidence, by_pair, links.holders, reads.as_of)
    pairs = pair_result(
        weights, scored, reads.suppressed, candidates=len(candidates), as_of=reads.as_of
    )
    sellers = seller_stage(weights, links, pairs)
    groups = find_groups(cluster_edges(links.links.values(), pairs.evidence), weights.clusters)
    clusters = assign_ids(groups, reads.previous, weights.clusters.identity_overlap)
    members = member_scores(sellers, pairs.evidence)
    scores = {cid: score_cluster(g.members, members, weights) for cid, g in clusters.items()}
    drafts = flag_drafts(weights, pairs, sellers, ClusterResult(clusters, scores, 0))
    return Side(_by_id(drafts), round(time.perf_counter() - started, 3))


def _by_id(drafts: Iterable[FlagDraft]) -> dict[str, tuple[str, float]]:
    return {d.flag_id: (d.kind, round(d.score.value, 4)) for d in drafts}


def backtest(store: Store, active: Weights, candidate: Weights) -> BacktestReport:
    """Compare what ``candidate`` would raise on the current graph with what ``active`` would;
    see the module docstring. Reads only."""
    started = time.perf_counter()
    report = BacktestReport()
    _, population = count_population(store)
    active_links = build_links(store, active, population)
    candidate_links = (
        active_links if candidate == active else build_links(store, candidate, population)
    )
    report.stage_seconds["links"] = round(time.perf_counter() - started, 3)
    lap = time.perf_counter()
    findings = {
        (r["buyer_id"], r["seller_id"]) for r in store.read(pair_scoring.PAIRS_WITH_FINDINGS)
    }
    wanted = (
        findings | set(buyer_seller_links(active_links)) | set(buyer_seller_links(candidate_links))
    )
    now = datetime.now(UTC).isoformat()
    reads = _Reads(
        population=population,
        as_of=pair_scoring.latest_event(store),
        findings=findings,
        evidence={
            (ev.buyer_id, ev.seller_id): ev
            for ev in pair_scoring.read_evidence(store, sorted(wanted))
        },
        suppressed=read_suppressed(store, now),
        previous=previous_clusters(store),
    )
    report.stage_seconds["evidence"] = round(time.perf_counter() - lap, 3)
    before = score_side(store, active, reads, active_links)
    after = score_side(store, candidate, reads, candidate_links)
    report.stage_seconds["score_active"] = before.seconds
    report.stage_seconds["score_candidate"] = after.seconds
    decided = {
        r["flag_id"]: r["status"] for r in store.read(DECIDED_FLAGS, {"decided": sorted(DECIDED)})
    }
    compare(report, before.flags, after.flags, decided, reads.suppressed)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def compare(
    report: BacktestReport,
    before: Mapping[str, tuple[str, float]],
    after: Mapping[str, tuple[str, float]],
    decided: Mapping[str, str],
    suppressed: Mapping[str, str],
) -> None:
    """Fill ``report`` from the flags each side raises (pure; see the module docstring)."""
    raised = Counter(after[f][0] for f in after.keys() - before.keys())
    cleared = Counter(before[f][0] for f in before.keys() - after.keys())
    unchanged = Counter(after[f][0] for f in after.keys() & before.keys())
    report.raised, report.cleared, report.unchanged = (
        _with_total(raised),
        _with_total(cleared),
        _with_total(unchanged),
    )
    report.examples = {
        "raised": sorted(after.keys() - before.keys())[:10],
        "cleared": sorted(before.keys() - after.keys())[:10],
    }
    top_before, top_after = _top(before, decided, suppressed), _top(after, decided, suppressed)
    report.top_overlap = len(set(top_before) & set(top_after))
    report.top_size = max(len(top_before), len(top_after))
    confirmed = {f for f, s in decided.items() if s == "confirmed"}
    dismissed = {f for f, s in decided.items() if s == "dismissed"}
    report.decided = {
        "confirmed": len(confirmed),
        "dismissed": len(dismissed),
        "unsure": sum(1 for s in decided.values() if s == "unsure"),
        "confirmed_lost": sorted(confirmed & (before.keys() - after.keys())),
        "confirmed_gained": sorted(confirmed & (after.keys() - before.keys())),
        "dismissed_still_raised": sorted(dismissed & after.keys()),
        "active": asdict(_figures(before, decided)),
        "candidate": asdict(_figures(after, decided)),
    }


def _with_total(counts: Counter[str]) -> dict[str, int]:
    return {**{k: counts[k] for k in sorted(counts)}, "total": sum(counts.values())}


def _top(
    flags: Mapping[str, tuple[str, float]],
    decided: Mapping[str, str],
    suppressed: Mapping[str, str],
) -> list[str]:
    """The queue's first page: undecided flags, not allow-listed or snoozed, score descending."""
    queue = [f for f in flags if f not in decided and f not in suppressed]
    return sorted(queue, key=lambda f: (-flags[f][1], f))[:TOP]


def _figures(flags: Mapping[str, tuple[str, float]], decided: Mapping[str, str]) -> DecidedFigures:
    out = DecidedFigures()
    statuses = Counter(decided[f] for f in flags if f in decided)
    out.raised_confirmed = statuses["confirmed"]
    out.raised_dismissed = statuses["dismissed"]
    out.raised_unsure = statuses["unsure"]
    judged = out.raised_confirmed + out.raised_dismissed
    out.precision = round(out.raised_confirmed / judged, 4) if judged else None
    all_confirmed = sum(1 for s in decided.values() if s == "confirmed")
    out.recall = round(out.raised_confirmed / all_confirmed, 4) if all_confirmed else None
    return out
