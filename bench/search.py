"""Name search at marketplace scale: the full-text index beside the CONTAINS scan it replaced.

Search reads only accounts, so this bench writes the accounts of a demo marketplace of the given
scale (scale 1: 350 sellers and 6,000 buyers; scale 100, the 7-million-message marketplace:
35,000 and 600,000) with the demo generator's names, into the bench Neo4j, and times name
queries drawn from them: a surname, the start of a surname, a full name, a name with a typo,
each through ``casework.search.search`` (what GET /search runs) and, as the baseline in the same
process, through the substring scan name search used before (``ACCOUNTS_BY_NAME_CONTAINS``).

    SIDEDEAL_BENCH_NEO4J_URI=bolt://127.0.0.1:7706 .venv/bin/python -m bench.search [--scale 100]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from bench.common import bench_store, machine
from sidedeal.casework.search import ACCOUNTS_BY_NAME_CONTAINS, search
from sidedeal.demo.catalogue import catalogue, person_name, shop_name, weighted
from sidedeal.graph import schema
from sidedeal.graph.store import Store

SELLERS_PER_SCALE, BUYERS_PER_SCALE = 350, 6000
WRITE = """
UNWIND $rows AS row
CALL (row) {
  WITH row WHERE row.kind = 'seller'
  CREATE (:Seller:Account {seller_id: row.id, account_key: 'seller:' + row.id, name: row.name})
}
CALL (row) {
  WITH row WHERE row.kind = 'buyer'
  CREATE (:Buyer:Account {buyer_id: row.id, account_key: 'buyer:' + row.id, name: row.name})
}
"""


def accounts(scale: float, seed: int = 11) -> list[dict[str, str]]:
    rng = random.Random(seed)
    table = catalogue()
    rows = []
    for i in range(int(SELLERS_PER_SCALE * scale)):
        code = weighted(rng, table.seller_countries)
        _, last = person_name(rng, code)
        rows.append({"kind": "seller", "id": f"s{i:07d}", "name": shop_name(rng, code, last)})
    for j in range(int(BUYERS_PER_SCALE * scale)):
        first, last = person_name(rng, weighted(rng, table.buyer_countries))
        rows.append({"kind": "buyer", "id": f"b{j:07d}", "name": f"{first} {last}"})
    return rows


def load(store: Store, rows: list[dict[str, str]]) -> float:
    schema.reset(store)
    started = time.perf_counter()
    for at in range(0, len(rows), 10_000):
        store.write(WRITE, {"rows": rows[at : at + 10_000]})
    return time.perf_counter() - started


def queries(rows: list[dict[str, str]], count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    names = [r["name"] for r in rng.sample(rows, count)]
    out = []
    for n, name in enumerate(names):
        last = name.split()[-1]
        shape = n % 4
        if shape == 0:
            out.append(last)
        elif shape == 1:
            out.append(last[: max(3, len(last) - 3)])
        elif shape == 2:
            out.append(name)
        else:  # one letter dropped from the surname
            cut = rng.randrange(1, len(last)) if len(last) > 4 else len(last)
            out.append(last[:cut] + last[cut + 1 :])
    return out


def timed(run: Callable[[str], int], texts: list[str]) -> tuple[float, float, float]:
    for text in texts[:10]:
        run(text)  # warm-up: plans cached, pages in memory
    times, hits = [], []
    for text in texts:
        started = time.perf_counter()
        hits.append(run(text))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    return statistics.median(times), p95, sum(1 for h in hits if h) / len(hits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0, 10.0, 100.0])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    store = bench_store()
    for scale in args.scale:
        rows = accounts(scale)
        seconds = load(store, rows)
        store.write("CALL db.awaitIndexes(300)")
        texts = queries(rows, args.queries)

        def fulltext(text: str) -> int:
            return len(search(store, text, kind="name").accounts)

        def contains(text: str) -> int:
            found = store.read(ACCOUNTS_BY_NAME_CONTAINS, {"needle": text.lower(), "limit": 20})
            return len(found)

        print(f"\nscale {scale:g}: {len(rows):,} accounts written in {seconds:.1f} s")
        for label, run in (("full-text (search())", fulltext), ("CONTAINS scan", contains)):
            p50, p95, found = timed(run, texts)
            print(
                f"  {label:22s} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  queries answered {found:.0%}"
            )
    store.close()


if __name__ == "__main__":
    main()
