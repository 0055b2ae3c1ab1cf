"""One analysis run: links, pair scores, seller scores, clusters, flags, recorded as a ``Run``.

Runs never overlap: a lock node in the graph is taken first (and released at the end, or expires if
the process died). The stages, in order:
1. shared-identifier links between accounts (IDF-weighted), written as ``SHARES_IDENTIFIERS``;
2. pair evidence and scores for candidate pairs (findings in messages, or a shared identifier);
3. seller scores from their pairs and links;
4. clusters over strong links and flagged pairs, keeping identities across runs;
5. flags for pairs, sellers and clusters at or above the threshold, updated in place.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, LiteralString

from sidedeal.analysis import pairs as pair_stage
from sidedeal.analysis.accounts import score_cluster, score_seller
from sidedeal.analysis.clusters import assign_ids, find_groups
from sidedeal.analysis.config import Weights
from sidedeal.analysis.flags import FlagDraft, write_flags
from sidedeal.analysis.links import Link, build_links, link_rows, personal
from sidedeal.analysis.results import previous_clusters, write_clusters, write_links
from sidedeal.analysis.scoring import Score
from sidedeal.errors import Conflict
from sidedeal.graph.store import Store

LOCK_TTL_MINUTES = 120

ACQUIRE_LOCK: LiteralString = """
MERGE (l:Lock {name: 'analysis'})
SET l.touched_at = datetime()
WITH l
WHERE l.holder IS NULL OR l.expires_at < datetime()
SET l.holder = $run_id, l.expires_at = datetime() + duration({minutes: $ttl})
RETURN l.holder AS holder
"""

LOCK_HOLDER: LiteralString = "MATCH (l:Lock {name: 'analysis'}) RETURN l.holder AS holder"

# Pairs an investigator allow-listed ("legitimate") or snoozed ("look again later"), until expiry.
SUPPRESSED_PAIRS: LiteralString = """
MATCH (w:AllowList) WHERE w.expires_at > datetime($now)
RETURN w.flag_id AS flag_id, w.mode AS mode
"""

RELEASE_LOCK: LiteralString = """
MATCH (l:Lock {name: 'analysis'}) WHERE l.holder = $run_id
SET l.holder = null, l.expires_at = null
"""

START_RUN: LiteralString = """
CREATE (r:Run {run_id: $run_id, started_at: datetime($now), status: 'running',
               parameters: $parameters, trigger: $trigger})
"""

FINISH_RUN: LiteralString = """
MATCH (r:Run {run_id: $run_id})
SET r.finished_at = datetime(), r.status = $status, r.counts = $counts, r.error = $error,
    r.seconds = $seconds
"""


@dataclass
class RunSummary:
    run_id: str
    status: str = "running"
    as_of: str | None = None
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def acquire_lock(store: Store, run_id: str) -> None:
    rows = store.write(ACQUIRE_LOCK, {"run_id": run_id, "ttl": LOCK_TTL_MINUTES})
    if not rows:
        holder = store.read(LOCK_HOLDER)
        raise Conflict(
            f"another analysis run ({holder[0]['holder'] if holder else '?'}) holds the lock; "
            "runs never overlap. Wait for it, or for its lock to expire "
            f"({LOCK_TTL_MINUTES} minutes after it started)"
        )


def release_lock(store: Store, run_id: str) -> None:
    store.write(RELEASE_LOCK, {"run_id": run_id})


def new_run_id(now: datetime) -> str:
    return now.strftime("run-%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]


def analyze(
    store: Store, weights: Weights, *, trigger: str = "cli", run_id: str | None = None
) -> RunSummary:
    """Run the whole analysis once; see the module docstring. ``run_id`` lets a caller (the API)
    know the run's id before it starts; by default one is made from the time."""
    started = time.perf_counter()
    now_dt = datetime.now(UTC)
    summary = RunSummary(run_id or new_run_id(now_dt))
    run_id, now = summary.run_id, now_dt.isoformat()
    acquire_lock(store, run_id)
    try:
        parameters = json.dumps(
            {"weights_sha1": _weights_digest(weights), "weights": weights.model_dump()}
        )
        store.write(
            START_RUN, {"run_id": run_id, "now": now, "parameters": parameters, "trigger": trigger}
        )
        try:
            _stages(store, weights, summary, now)
            summary.status = "completed"
        except BaseException as error:
            summary.status = "failed"
            summary.counts["error"] = f"{error.__class__.__name__}: {error}"
            raise
        finally:
            summary.seconds = round(time.perf_counter() - started, 3)
            store.write(
                FINISH_RUN,
                {
                    "run_id": run_id,
                    "status": summary.status,
                    "counts": json.dumps(summary.counts),
                    "error": summary.counts.get("error"),
                    "seconds": summary.seconds,
                },
            )
    finally:
        release_lock(store, run_id)
    return summary


def _weights_digest(weights: Weights) -> str:
    return hashlib.sha1(weights.model_dump_json().encode()).hexdigest()[:12]


class _Timer:
    def __init__(self, summary: RunSummary) -> None:
        self.summary, self.last = summary, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.summary.stage_seconds[stage] = round(now - self.last, 3)
        self.last = now


def _stages(store: Store, weights: Weights, summary: RunSummary, now: str) -> None:
    timer = _Timer(summary)
    run_id, threshold = summary.run_id, weights.flags.threshold

    found = build_links(store, weights)
    links = found.links
    write_links(store, link_rows(links), run_id)
    summary.counts["links"] = len(links)
    timer.lap("links")

    as_of = pair_stage.latest_event(store)
    summary.as_of = as_of.isoformat() if as_of else None
    candidates = {
        (r["buyer_id"], r["seller_id"]) for r in store.read(pair_stage.PAIRS_WITH_FINDINGS)
    }
    by_pair: dict[tuple[str, str], Link] = {}
    for (a, b), link in links.items():
        if a.startswith("buyer:") and b.startswith("seller:"):
            pair = (a.split(":", 1)[1], b.split(":", 1)[1])
            by_pair[pair] = link
            candidates.add(pair)
    pair_scores: dict[tuple[str, str], Score] = {}
    features: dict[tuple[str, str], dict[str, Any]] = {}
    for ev in pair_stage.read_evidence(store, sorted(candidates)):
        ev.link = by_pair.get((ev.buyer_id, ev.seller_id))
        ev.personal = {m.key: personal(found.holders.get(m.key, 1), weights) for m in ev.mentions}
        score = pair_stage.score_pair(ev, weights, as_of)
        if score.value > 0:
            pair_scores[(ev.buyer_id, ev.seller_id)] = score
            features[(ev.buyer_id, ev.seller_id)] = pair_stage.pair_features(ev, weights, as_of)
    _write_pair_features(store, pair_scores, features, run_id)
    suppressed = {row["flag_id"]: row["mode"] for row in store.read(SUPPRESSED_PAIRS, {"now": now})}
    flagged_pairs = {p: s for p, s in pair_scores.items() if s.value >= threshold}
    # An allow-listed pair is legitimate: it must not weigh on its seller or glue a cluster.
    # A snoozed one still does; only its alerts wait.
    evidence_pairs = {
        p: s for p, s in flagged_pairs.items() if suppressed.get(f"pair:{p[0]}:{p[1]}") != "allow"
    }
    summary.counts.update(candidate_pairs=len(candidates), scored_pairs=len(pair_scores))
    timer.lap("pairs")

    seller_pairs: dict[str, dict[str, Score]] = defaultdict(dict)
    for (buyer, seller), score in evidence_pairs.items():
        seller_pairs[f"seller:{seller}"][f"buyer:{buyer}"] = score
    seller_links: dict[str, list[Link]] = defaultdict(list)
    for (a, b), link in links.items():
        for side in (a, b):
            if side.startswith("seller:"):
                seller_links[side].append(link)
    seller_scores: dict[str, Score] = {}
    for seller in set(seller_pairs) | set(seller_links):
        score = score_seller(
            seller,
            seller_pairs.get(seller, {}),
            seller_links.get(seller, []),
            weights,
            found.seller_holders,
        )
        if score.value > 0:
            seller_scores[seller] = score
    timer.lap("sellers")

    edges = [(a, b, link.weight) for (a, b), link in links.items()]
    edges += [
        (f"buyer:{b}", f"seller:{s}", score.value) for (b, s), score in evidence_pairs.items()
    ]
    groups = find_groups(edges, weights.clusters)
    clusters = assign_ids(groups, previous_clusters(store), weights.clusters.identity_overlap)
    member_scores: dict[str, float] = {k: s.value for k, s in seller_scores.items()}
    for (buyer, _), score in evidence_pairs.items():
        key = f"buyer:{buyer}"
        member_scores[key] = max(member_scores.get(key, 0.0), score.value)
    cluster_scores = {
        cluster_id: score_cluster(group.members, member_scores, weights)
        for cluster_id, group in clusters.items()
    }
    dissolved = write_clusters(
        store, clusters, {k: s.value for k, s in cluster_scores.items()}, run_id=run_id, now=now
    )
    summary.counts.update(clusters=len(clusters), clusters_dissolved=dissolved)
    timer.lap("clusters")

    drafts = [
        FlagDraft(f"pair:{b}:{s}", "pair", score, [b], [s], features=features[(b, s)])
        for (b, s), score in sorted(flagged_pairs.items())
    ]
    drafts += [
        FlagDraft(f"seller:{key.split(':', 1)[1]}", "seller", score, [], [key.split(":", 1)[1]])
        for key, score in sorted(seller_scores.items())
        if score.value >= threshold
    ]
    for cluster_id, score in sorted(cluster_scores.items()):
        members = clusters[cluster_id].members
        if score.value >= threshold and len(members) >= weights.clusters.min_size:
            drafts.append(
                FlagDraft(
                    f"cluster:{cluster_id}",
                    "cluster",
                    score,
                    sorted(m.split(":", 1)[1] for m in members if m.startswith("buyer:")),
                    sorted(m.split(":", 1)[1] for m in members if m.startswith("seller:")),
                    cluster_id,
                )
            )
    counts = write_flags(
        store,
        drafts,
        run_id=run_id,
        now=now,
        margin=weights.flags.realert_margin,
        suppressed=frozenset(suppressed),
    )
    summary.counts["flags"] = asdict(counts)
    timer.lap("flags")


def _write_pair_features(
    store: Store,
    scores: dict[tuple[str, str], Score],
    features: dict[tuple[str, str], dict[str, Any]],
    run_id: str,
) -> None:
    rows = [
        {
            "buyer_id": b,
            "seller_id": s,
            "score": round(score.value, 4),
            "features": json.dumps(features[(b, s)]),
        }
        for (b, s), score in scores.items()
    ]
    for start in range(0, len(rows), 2000):
        store.write(
            pair_stage.WRITE_PAIR_FEATURES, {"rows": rows[start : start + 2000], "run_id": run_id}
        )
    store.write(pair_stage.RESET_UNSCORED_PAIRS, {"run_id": run_id})
