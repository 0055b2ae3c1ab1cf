"""The stages of an analysis run, one function each, each returning a typed result the next reads.

1. :func:`link_stage`: shared-identifier links between accounts (IDF-weighted), written as
   ``SHARES_IDENTIFIERS``;
2. :func:`pair_stage`: evidence and scores of candidate pairs (findings in their messages, or a
   shared identifier), kept on their ``DEALT_WITH`` edge;
3. :func:`seller_stage`: seller scores from their flagged pairs and their links;
4. :func:`cluster_stage`: clusters over strong links and flagged pairs, keeping identities across
   runs;
5. :func:`flag_stage`: flags for pairs, sellers and clusters at or above the threshold, updated
   in place.

Stages 1, 2, 4 and 5 read or write the graph; stage 3 and :func:`flag_drafts` are pure. An
incremental run (``incremental.py``) calls the same pieces on the part of the graph that changed:
:func:`score_evidence`, :func:`pair_result`, :func:`write_pair_scores`, :func:`member_scores`,
``seller_stage`` and :func:`flag_drafts`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, LiteralString

from sidedeal.analysis import pairs as pair_scoring
from sidedeal.analysis.clusters import Group, assign_ids, find_groups, score_cluster
from sidedeal.analysis.config import Weights
from sidedeal.analysis.flags import FlagCounts, FlagDraft, write_flags
from sidedeal.analysis.links import Link, LinkResult, build_links, link_rows, personal
from sidedeal.analysis.results import previous_clusters, write_clusters, write_links
from sidedeal.analysis.scoring import Score, factors_json
from sidedeal.analysis.sellers import score_seller
from sidedeal.analysis.value import write_values
from sidedeal.graph.store import Store
from sidedeal.ids import (
    account_id,
    buyer_key,
    cluster_flag_id,
    is_buyer,
    is_seller,
    pair_flag_id,
    seller_flag_id,
    seller_key,
)

Pair = tuple[str, str]  # (buyer_id, seller_id)
FEATURE_BATCH = 2000

# Pairs an investigator allow-listed ("legitimate") or snoozed ("look again later"), until expiry.
SUPPRESSED_PAIRS: LiteralString = """
MATCH (w:AllowList) WHERE w.expires_at > datetime($now)
RETURN w.flag_id AS flag_id, w.mode AS mode
"""


@dataclass
class PairResult:
    """Pair scores. ``evidence`` holds the flagged pairs that are not allow-listed: only those
    weigh on their seller and glue a cluster (a snoozed pair still does; only its alerts wait)."""

    scores: dict[Pair, Score]
    features: dict[Pair, dict[str, Any]]
    flagged: dict[Pair, Score]
    evidence: dict[Pair, Score]
    suppressed: dict[str, str]  # flag id -> "allow" | "snooze"
    candidates: int
    as_of: str | None
    # Every candidate pair scored (even to 0) -> when contact was first exchanged, if it was.
    exchanges: dict[Pair, datetime | None] = field(default_factory=dict)


@dataclass
class ClusterResult:
    clusters: dict[str, Group]
    scores: dict[str, Score]
    dissolved: int


def link_stage(
    store: Store, weights: Weights, run_id: str, *, population: float | None = None, now: str = ""
) -> LinkResult:
    """Build the account links and write them, replacing the previous run's. ``population`` is
    the account count the IDF uses (``links.population``; counted when not given)."""
    found = build_links(store, weights, population)
    write_links(store, link_rows(found.links), run_id, now=now or None)
    return found


def buyer_seller_links(links: LinkResult) -> dict[Pair, Link]:
    """The links between a buyer and a seller, by pair: a shared identifier makes a candidate."""
    return buyer_seller(links.links)


def buyer_seller(links: Mapping[tuple[str, str], Link]) -> dict[Pair, Link]:
    by_pair: dict[Pair, Link] = {}
    for (a, b), link in links.items():
        if is_buyer(a) and is_seller(b):
            by_pair[(account_id(a), account_id(b))] = link
    return by_pair


@dataclass
class PairScores:
    """Scores of the candidate pairs read: scored ones (> 0) with their features, and for every
    candidate (scored or not) when contact was first exchanged."""

    scores: dict[Pair, Score] = field(default_factory=dict)
    features: dict[Pair, dict[str, Any]] = field(default_factory=dict)
    exchanges: dict[Pair, datetime | None] = field(default_factory=dict)


def score_evidence(
    weights: Weights,
    evidence: Iterable[pair_scoring.PairEvidence],
    link_of: Mapping[Pair, Link],
    holders: Mapping[str, int],
    as_of: datetime | None,
) -> PairScores:
    """Score pairs from their evidence (pure): ``link_of`` their buyer-seller links, ``holders``
    how many accounts hold each identifier they mention."""
    out = PairScores()
    for ev in evidence:
        pair = (ev.buyer_id, ev.seller_id)
        ev.link = link_of.get(pair)
        ev.personal = {m.key: personal(holders.get(m.key, 1), weights) for m in ev.mentions}
        out.exchanges[pair] = ev.exchange_at
        score = pair_scoring.score_pair(ev, weights, as_of)
        if score.value > 0:
            out.scores[pair] = score
            out.features[pair] = pair_scoring.pair_features(ev, weights, as_of)
    return out


def pair_result(
    weights: Weights,
    scored: PairScores,
    suppressed: dict[str, str],
    *,
    candidates: int,
    as_of: datetime | None,
) -> PairResult:
    """Which scored pairs are flagged, and which of those weigh on sellers and clusters."""
    threshold = weights.flags.threshold
    flagged = {p: s for p, s in scored.scores.items() if s.value >= threshold}
    evidence = {p: s for p, s in flagged.items() if suppressed.get(pair_flag_id(*p)) != "allow"}
    return PairResult(
        scores=scored.scores,
        features=scored.features,
        flagged=flagged,
        evidence=evidence,
        suppressed=suppressed,
        candidates=candidates,
        as_of=as_of.isoformat() if as_of else None,
        exchanges=scored.exchanges,
    )


def read_suppressed(store: Store, now: str) -> dict[str, str]:
    return {row["flag_id"]: row["mode"] for row in store.read(SUPPRESSED_PAIRS, {"now": now})}


def pair_stage(
    store: Store, weights: Weights, links: LinkResult, *, run_id: str, now: str
) -> PairResult:
    """Score every candidate pair, keep features and scores on their ``DEALT_WITH`` edges."""
    as_of = pair_scoring.latest_event(store)
    by_pair = buyer_seller_links(links)
    candidates = {
        (r["buyer_id"], r["seller_id"]) for r in store.read(pair_scoring.PAIRS_WITH_FINDINGS)
    }
    candidates |= set(by_pair)
    evidence = pair_scoring.read_evidence(store, sorted(candidates))
    scored = score_evidence(weights, evidence, by_pair, links.holders, as_of)
    suppressed = read_suppressed(store, now)
    result = pair_result(weights, scored, suppressed, candidates=len(candidates), as_of=as_of)
    write_pair_scores(store, result, run_id=run_id, now=now)
    store.write(pair_scoring.RESET_UNSCORED_PAIRS, {"run_id": run_id, "now": now})
    return result


def seller_stage(weights: Weights, links: LinkResult, pairs: PairResult) -> dict[str, Score]:
    """Scores of sellers with a flagged pair or a link, by account key (``seller:s1``)."""
    seller_pairs: dict[str, dict[str, Score]] = defaultdict(dict)
    for (buyer, seller), score in pairs.evidence.items():
        seller_pairs[seller_key(seller)][buyer_key(buyer)] = score
    seller_links: dict[str, list[Link]] = defaultdict(list)
    for (a, b), link in links.links.items():
        for side in (a, b):
            if is_seller(side):
                seller_links[side].append(link)
    scores: dict[str, Score] = {}
    for seller in set(seller_pairs) | set(seller_links):
        score = score_seller(
            seller,
            seller_pairs.get(seller, {}),
            seller_links.get(seller, []),
            weights,
            links.seller_holders,
        )
        if score.value > 0:
            scores[seller] = score
    return scores


def member_scores(sellers: Mapping[str, Score], evidence: Mapping[Pair, Score]) -> dict[str, float]:
    """What each account brings to its cluster's score: a seller its own score, a buyer its worst
    pair that weighs (flagged and not allow-listed)."""
    scores: dict[str, float] = {k: s.value for k, s in sellers.items()}
    for (buyer, _), score in evidence.items():
        key = buyer_key(buyer)
        scores[key] = max(scores.get(key, 0.0), score.value)
    return scores


def cluster_edges(
    links: Iterable[Link], evidence: Mapping[Pair, Score]
) -> list[tuple[str, str, float]]:
    """The edges clusters are found over: account links, and pairs that weigh."""
    edges = [(link.a, link.b, link.weight) for link in links]
    edges += [(buyer_key(b), seller_key(s), score.value) for (b, s), score in evidence.items()]
    return edges


def cluster_stage(
    store: Store,
    weights: Weights,
    links: LinkResult,
    pairs: PairResult,
    sellers: dict[str, Score],
    *,
    run_id: str,
    now: str,
) -> ClusterResult:
    """Group accounts over strong links and flagged pairs; score and write the clusters."""
    groups = find_groups(cluster_edges(links.links.values(), pairs.evidence), weights.clusters)
    clusters = assign_ids(groups, previous_clusters(store), weights.clusters.identity_overlap)
    members = member_scores(sellers, pairs.evidence)
    scores = {
        cluster_id: score_cluster(group.members, members, weights)
        for cluster_id, group in clusters.items()
    }
    dissolved = write_clusters(
        store, clusters, {k: s.value for k, s in scores.items()}, run_id=run_id, now=now
    )
    return ClusterResult(clusters, scores, dissolved)


def flag_drafts(
    weights: Weights, pairs: PairResult, sellers: dict[str, Score], clusters: ClusterResult
) -> list[FlagDraft]:
    """The flags a run raises: every score at or above the threshold (clusters also need
    ``min_size`` members)."""
    threshold = weights.flags.threshold
    drafts = [
        FlagDraft(pair_flag_id(b, s), "pair", score, [b], [s], features=pairs.features[(b, s)])
        for (b, s), score in sorted(pairs.flagged.items())
    ]
    for key, score in sorted(sellers.items()):
        if score.value >= threshold:
            seller = account_id(key)
            drafts.append(FlagDraft(seller_flag_id(seller), "seller", score, [], [seller]))
    for cluster_id, score in sorted(clusters.scores.items()):
        members = clusters.clusters[cluster_id].members
        if score.value >= threshold and len(members) >= weights.clusters.min_size:
            drafts.append(
                FlagDraft(
                    cluster_flag_id(cluster_id),
                    "cluster",
                    score,
                    sorted(account_id(m) for m in members if is_buyer(m)),
                    sorted(account_id(m) for m in members if is_seller(m)),
                    cluster_id,
                )
            )
    return drafts


def flag_stage(
    store: Store,
    weights: Weights,
    pairs: PairResult,
    sellers: dict[str, Score],
    clusters: ClusterResult,
    *,
    run_id: str,
    now: str,
    scope: Iterable[str] | None = None,
) -> FlagCounts:
    """Write the run's flags (updating those that exist) and clear open ones it did not raise:
    any in the graph, or only those in ``scope`` (flag ids) for an incremental run; then their
    money at stake and last evidence (``value.py``)."""
    ids = None if scope is None else set(scope)
    counts = write_flags(
        store,
        flag_drafts(weights, pairs, sellers, clusters),
        run_id=run_id,
        now=now,
        margin=weights.flags.realert_margin,
        suppressed=frozenset(pairs.suppressed),
        scope=ids,
    )
    write_values(store, ids)
    return counts


def write_pair_scores(store: Store, pairs: PairResult, *, run_id: str, now: str) -> None:
    """Keep every candidate's score, features and factors on its ``DEALT_WITH`` edge (see
    ``pairs.WRITE_PAIR_FEATURES``); a candidate that scores 0 keeps only when it exchanged."""
    rows = []
    for (b, s), exchange in pairs.exchanges.items():
        score = pairs.scores.get((b, s))
        rows.append(
            {
                "buyer_id": b,
                "seller_id": s,
                "score": round(score.value, 4) if score else 0.0,
                "features": json.dumps(pairs.features[(b, s)]) if score else None,
                "factors": factors_json(score) if score else None,
                "evidence_score": pairs.evidence[(b, s)].value
                if (b, s) in pairs.evidence
                else None,
                "exchange_at": pair_scoring.epoch_micros(exchange),
            }
        )
    for start in range(0, len(rows), FEATURE_BATCH):
        store.write(
            pair_scoring.WRITE_PAIR_FEATURES,
            {"rows": rows[start : start + FEATURE_BATCH], "run_id": run_id, "now": now},
        )
