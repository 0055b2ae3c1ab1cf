"""``generate``: write a synthetic marketplace and its ground truth to a directory.

Sellers are processed one at a time: the seller's profile and contacts, then each of its buyer
pairs with their conversations, messages and orders, straight to the files. Buyers are written
last, each derived again from its index. Memory therefore depends on the largest seller, not on
the size of the marketplace; scale only adds sellers and buyers.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sidedeal.demo import flows, schemes
from sidedeal.demo import plan as planning
from sidedeal.demo.catalogue import country
from sidedeal.demo.identities import canonical
from sidedeal.demo.labels import LabelSink
from sidedeal.demo.market import AS_OF, START, Listings, Market, iso
from sidedeal.demo.people import DAY, Person, buyer_id, seller_id
from sidedeal.demo.plan import CENTRE_ADDRESS, COURIER, Plan
from sidedeal.demo.writers import Format, open_tables

# Pair kinds by weight for every seller; fraudulent sellers add the planted kinds on top.
HONEST = {"one_off": 84, "loyal": 5, "tire_kicker": 8, "declined": 1.5, "contact_then_order": 1.5}
PLANTED = {"contact_then_silence": 36, "repeat_moved_off": 18}
MEAN_PAIRS = 20.0  # buyer pairs per seller, log-normal: a few big dealers, many small ones
SIGMA = 0.9
LONG = ("loyal", "repeat_moved_off", "tire_kicker")
LONG_ROOM = 400 * DAY  # a long relationship starts at least this long before the cut-off


@dataclass
class GenerateSummary:
    """What ``generate`` wrote: rows per file, the paths, the labels and how long it took."""

    outdir: Path
    seed: int
    scale: float
    fmt: str
    rows: dict[str, int]
    paths: dict[str, Path]
    labels_path: Path
    label_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        rows = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        pairs = self.label_counts.get("off_platform_pairs", 0)
        fraud = self.label_counts.get("fraud_sellers", 0)
        return (
            f"scale {self.scale:g}, seed {self.seed}, {self.fmt}: {rows}; {self.labels_path.name}: "
            f"{pairs:,} off-platform pairs, {fraud:,} fraud sellers; {self.seconds:.1f} s"
        )


def _conversation_lang(rng: random.Random, s: Person, b: Person) -> str:
    # Dealers answer in the buyer's language when they share it; otherwise trade is in English.
    if s.lang == b.lang and s.lang != "en" and rng.random() < 0.8:
        return s.lang
    return "en"


def _row_contacts(market: Market, p: Person) -> None:
    for kind, value, at in p.contacts:
        market.tables["contacts"].write((p.role, p.id, kind, value, iso(min(at, AS_OF - DAY))))


def _start(rng: random.Random, earliest: int, long: bool) -> int:
    # A long relationship starts early enough to play out before the cut-off.
    span = flows.LAST_START - earliest - (LONG_ROOM if long else 0)
    return earliest + int(span * rng.random())


def run_seller(plan: Plan, market: Market, i: int) -> bool:
    """Write seller ``i`` and all its pairs; True when it took part in planted behaviour."""
    s = planning.seller(plan, i)
    website = None
    if s.website:
        website = random.Random(f"{plan.seed}:site:{i}").choice(
            (s.website, f"www.{s.website}", f"https://www.{s.website}/")
        )
    row = (s.id, s.name, s.country, s.email_shown, s.phone_shown, website, iso(s.created))
    market.tables["sellers"].write(row)
    _row_contacts(market, s)
    rng = random.Random(f"{plan.seed}:pairs:{i}")
    count = round(rng.lognormvariate(math.log(MEAN_PAIRS) - SIGMA**2 / 2, SIGMA))
    count = max(2, min(count, plan.n_buyers // 4))
    forced = plan.forced.get(i, [])
    chosen = [j for j in rng.sample(range(plan.n_buyers), count) if j not in forced]
    listings = Listings(market, rng, s, country(s.country).currency)
    kinds = dict(HONEST, **PLANTED) if i in plan.fraud else HONEST
    planted = 0
    for j in [*forced, *chosen]:
        b = planning.buyer(plan, j, full=False)
        earliest = max(START, s.created + 7 * DAY, b.created + DAY)
        if earliest > flows.LAST_START:
            continue  # the buyer joined too late to start anything before the cut-off
        kind = "one_off" if j in forced else rng.choices(list(kinds), list(kinds.values()))[0]
        pair = flows.Pair(
            market, rng, s, b, _conversation_lang(rng, s, b), listings, i in plan.courier_sellers
        )
        if kind in LONG and flows.LAST_START - earliest < LONG_ROOM:
            # Not enough history left for a long relationship: plant or play a short one.
            kind = "contact_then_silence" if kind == "repeat_moved_off" else "one_off"
        start = _start(rng, earliest, kind in LONG)
        if kind == "repeat_moved_off":
            gap = rng.randint(20, 75) * DAY
            if schemes.repeat_moved_off(pair, start, gap):
                planted += 1
                continue
            kind = "contact_then_silence"
        if kind == "contact_then_silence":
            schemes.contact_then_silence(pair, start)
            planted += 1
        elif kind == "one_off":
            flows.one_off(pair, start) if j not in forced else flows.purchase(pair, start)
        else:
            getattr(flows, kind)(pair, start)
    for _ in range(rng.randint(0, 4)):
        listings.add(rng.randint(max(START, s.created + DAY), AS_OF - DAY))
    targets = {a.seller for a in plan.aliases.values()}
    return planted > 0 or i in plan.multi_of or i in plan.payout_of or i in targets


def _write_buyers(plan: Plan, market: Market) -> None:
    for j in range(plan.n_buyers):
        b = planning.buyer(plan, j)
        row = (b.id, b.name, b.country, b.email_shown, b.phone_shown, iso(b.created))
        market.tables["buyers"].write(row)
        _row_contacts(market, b)


def _plan_labels(plan: Plan, labels: LabelSink) -> None:
    for g in plan.multi:
        labels.add(
            "multi_account_sellers",
            {
                "seller_ids": [seller_id(m) for m in g.members],
                "shared": [{"kind": k, "value": canonical(k, v)} for k, v in g.shared.items()],
                "sources": [
                    {"seller_id": seller_id(m), "kind": k, "source": where}
                    for (m, k), where in sorted(g.source.items())
                ],
            },
        )
    for members, iban in plan.payout_groups:
        ids = [seller_id(m) for m in members]
        labels.add("shared_payout_groups", {"seller_ids": ids, "iban": canonical("payout", iban)})
    for j, a in sorted(plan.aliases.items()):
        labels.add(
            "buyers_with_seller_identifier",
            {
                "buyer_id": buyer_id(j),
                "seller_id": seller_id(a.seller),
                "kind": a.kind,
                "value": canonical(a.kind, a.value),
                "source": a.source,
            },
        )


def generate(
    outdir: Path, *, scale: float = 1.0, seed: int = 7, fmt: Format = "mixed"
) -> GenerateSummary:
    """Write a synthetic marketplace of about ``10_000 * scale`` conversations to ``outdir``.

    Files follow the data contract of DESIGN.md (``fmt`` "mixed" writes messages as JSONL and
    the rest as CSV); ``labels.json`` beside them is the ground truth (see the package
    docstring). The same ``seed`` and ``scale`` give byte-identical files. Earlier contract
    files and labels in ``outdir`` are replaced.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    began = time.perf_counter()
    plan = planning.make_plan(seed, scale)
    tables = open_tables(Path(outdir), fmt)
    labels = LabelSink(Path(outdir))
    market = Market(tables, labels)
    _plan_labels(plan, labels)
    try:
        for i in range(plan.n_sellers):
            if run_seller(plan, market, i):
                labels.add("fraud_sellers", seller_id(i))
        _write_buyers(plan, market)
    finally:
        for table in tables.values():
            table.close()
    header: dict[str, Any] = {
        "seed": seed,
        "scale": scale,
        "generated_at": iso(AS_OF),
        "as_of": iso(AS_OF),
        "format": fmt,
        "counts": {name: table.rows for name, table in tables.items()},
        "label_counts": dict(labels.counts),
    }
    courier = {
        "name": COURIER["name"],
        "phone": canonical("phone", COURIER["phone"]),
        "email": canonical("email", COURIER["email"]),
        "seller_ids": [seller_id(i) for i in sorted(plan.courier_sellers)],
        "email_seller_ids": [seller_id(i) for i in sorted(plan.packer_sellers)],
    }
    centre = {
        "value": CENTRE_ADDRESS,
        "seller_ids": [seller_id(i) for i in sorted(plan.centre_sellers)],
    }
    labels_path = labels.finish(header, courier, {"shared_address": centre})
    return GenerateSummary(
        outdir=Path(outdir),
        seed=seed,
        scale=scale,
        fmt=fmt,
        rows={name: table.rows for name, table in tables.items()},
        paths={name: table.path for name, table in tables.items()},
        labels_path=labels_path,
        label_counts=dict(labels.counts),
        seconds=time.perf_counter() - began,
    )
