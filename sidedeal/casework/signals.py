"""Signals: how often each factor of the analysis is right, from investigators' decisions.

Every flag carries its factors (``Flag.factors``, strongest first; ``pair.contact_by_seller``,
``pair.cue.fee_avoidance``, ``seller.other_account``, ``cluster.member``...). A decision snapshots
the factors the investigator saw and the weights version that scored them
(``decided_factors``, ``decided_weights_version``, see ``decisions.py``), because later runs keep
rewriting a decided flag's factors. Per weights version and factor this module counts the flags
carrying it (at all, and as the top factor), how many were decided, confirmed, dismissed or
unsure, the precision (confirmed / (confirmed + dismissed); unsure is left out) with its 95%
Wilson interval, and the median time from the flag's creation to its decision.

A flag counts once per factor however many times it carries it (a seller with three flagged
pairs). ``since`` keeps the flags raised or decided since then. A flag's version is the one of
its decision when decided, else the version of the run that last wrote it; flags scored by
weights never stored as a version (before versions existed) have none (``null``). A dismissed
flag reopened by new evidence is open again, and counts as undecided.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any, LiteralString

from pydantic import BaseModel

from sidedeal.analysis.flags import DECIDED
from sidedeal.casework.common import utc_iso
from sidedeal.graph.store import Store

Z95 = 1.959963984540054

SIGNAL_FLAGS: LiteralString = """
MATCH (f:Flag)
WHERE $since IS NULL OR f.created_at >= datetime($since) OR f.decided_at >= datetime($since)
WITH f, f.status IN $decided AND f.decided_factors IS NOT NULL AS snapshot,
     f.status IN $decided AS decided
WITH f, decided,
     CASE WHEN snapshot THEN f.decided_factors ELSE f.factors END AS factors,
     CASE WHEN snapshot THEN f.decided_weights_version
          ELSE COLLECT { MATCH (r:Run {run_id: f.run_id}) RETURN r.weights_version }[0] END
       AS version
WHERE $version IS NULL OR version = $version
RETURN f.status AS status, factors, version,
       CASE WHEN decided AND f.decided_at IS NOT NULL AND f.created_at IS NOT NULL
            THEN duration.inSeconds(f.created_at, f.decided_at).seconds END AS to_decision_s
"""


class SignalPublic(BaseModel):
    """One factor under one weights version."""

    signal: str
    weights_version: str | None
    flags: int
    top: int
    decided: int
    confirmed: int
    dismissed: int
    unsure: int
    precision: float | None
    precision_low: float | None
    precision_high: float | None
    median_hours_to_decision: float | None


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% by default); None without trials.

    Unlike the normal approximation it stays inside [0, 1] and is honest about small counts:
    3 confirmed out of 3 gives (0.44, 1.0), not (1.0, 1.0).
    """
    if trials <= 0:
        return None
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class _Tally:
    flags: int = 0
    top: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    waits: list[float] = field(default_factory=list)

    def public(self, signal: str, version: str | None) -> SignalPublic:
        confirmed, dismissed = self.statuses["confirmed"], self.statuses["dismissed"]
        unsure = self.statuses["unsure"]
        judged = confirmed + dismissed
        interval = wilson(confirmed, judged)
        return SignalPublic(
            signal=signal,
            weights_version=version,
            flags=self.flags,
            top=self.top,
            decided=confirmed + dismissed + unsure,
            confirmed=confirmed,
            dismissed=dismissed,
            unsure=unsure,
            precision=round(confirmed / judged, 4) if judged else None,
            precision_low=round(interval[0], 4) if interval else None,
            precision_high=round(interval[1], 4) if interval else None,
            median_hours_to_decision=round(median(self.waits) / 3600, 2) if self.waits else None,
        )


def tally(rows: list[dict[str, Any]]) -> list[SignalPublic]:
    """Per (version, signal) figures from flag rows ``{status, factors (JSON), version,
    to_decision_s}`` (pure; see the module docstring). Newest version first, then the most
    decided signals."""
    tallies: dict[tuple[str | None, str], _Tally] = defaultdict(_Tally)
    for row in rows:
        try:
            factors = json.loads(row["factors"] or "[]")
        except (TypeError, ValueError):
            continue
        signals = [f["signal"] for f in factors if isinstance(f, dict) and "signal" in f]
        if not signals:
            continue
        for index, signal in enumerate(dict.fromkeys(signals)):
            entry = tallies[(row["version"], signal)]
            entry.flags += 1
            entry.top += index == 0
            if row["status"] in DECIDED:
                entry.statuses[row["status"]] += 1
                if row.get("to_decision_s") is not None:
                    entry.waits.append(float(row["to_decision_s"]))
    out = [t.public(signal, version) for (version, signal), t in tallies.items()]
    out.sort(key=lambda s: (-_number(s.weights_version), -s.decided, -s.flags, s.signal))
    return out


def _number(version: str | None) -> int:
    if version and version[1:].isdigit():
        return int(version[1:])
    return -1


def signals(
    store: Store, *, since: datetime | None = None, version: str | None = None
) -> list[SignalPublic]:
    """Precision per factor and weights version (see the module docstring)."""
    rows = store.read(
        SIGNAL_FLAGS,
        {
            "since": utc_iso(since),
            "version": version,
            "decided": sorted(DECIDED),
        },
    )
    return tally(rows)
