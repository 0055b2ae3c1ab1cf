"""Scanner throughput: messages per second on one core, beside phonenumbers' own matcher.

Three sets of texts: (a) the labelled corpus repeated, (b) the SMS Spam Collection, (c) a
generated demo marketplace (``sidedeal.demo``) when that package is present. Each is run
through ``scan(text, country)`` and through plain ``phonenumbers.PhoneNumberMatcher(text,
region)`` with the same default region, in the same process, passes interleaved so a noisy
machine slows both alike; the best pass of each is reported. Before every scanner pass the
phone-parse cache and the scanner's own caches (word classes, short codes, character maps) are
emptied, so no pass starts with the previous one's work done. The process is pinned to one core.

Besides speed it prints what each finds: messages with any finding, messages with a phone.

    .venv/bin/python -m bench.scan [--repeat 20] [--demo-scale 0.5] [--passes 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import phonenumbers

from bench.common import REPO, machine
from sidedeal.identifiers import normalisers
from sidedeal.scanner import scan
from sidedeal.scanner.engine import clear_caches

SHARED = Path(os.environ.get("SIDEDEAL_SHARED_DATA", REPO.parent / "shared" / "data"))
Texts = list[tuple[str, str | None]]


def labelled_corpus(repeat: int) -> Texts:
    path = REPO / "tests" / "data" / "scanner_corpus.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [(row["text"], row["country"]) for row in rows] * repeat


def sms_corpus() -> Texts:
    path = SHARED / "sms-spam-collection" / "SMSSpamCollection"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(line.partition("\t")[2], "GB") for line in lines if line]


def demo_corpus(scale: float, seed: int) -> Texts | None:
    """Messages of a generated marketplace with each sender's country, or None without the
    generator."""
    try:
        from sidedeal.demo import generate
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate(out, scale=scale, seed=seed)
        country: dict[str, str | None] = {}
        for name, key in (("sellers", "seller_id"), ("buyers", "buyer_id")):
            with (out / f"{name}.csv").open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    country[row[key]] = row.get("country") or None
        with (out / "conversations.csv").open(encoding="utf-8") as handle:
            parties = {row["conversation_id"]: row for row in csv.DictReader(handle)}
        texts: Texts = []
        with (out / "messages.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                message = json.loads(line)
                party = parties[message["conversation_id"]]
                sender = party["buyer_id"] if message["sender"] == "buyer" else party["seller_id"]
                texts.append((message["body"], country.get(sender)))
    return texts


def run_scanner(texts: Texts) -> tuple[int, int]:
    """Messages with any finding, messages with a phone."""
    anything = phones = 0
    for text, country in texts:
        found = scan(text, country)
        anything += bool(found)
        phones += any(f.kind == "phone" for f in found)
    return anything, phones


def run_matcher(texts: Texts) -> tuple[int, int]:
    with_phone = 0
    for text, country in texts:
        for _ in phonenumbers.PhoneNumberMatcher(text, country or "ZZ"):
            with_phone += 1
            break
    return with_phone, with_phone


def one_pass(
    run: Callable[[Texts], tuple[int, int]], texts: Texts, before: Callable[[], None]
) -> float:
    """Messages per second of one pass over ``texts``, after ``before()``."""
    before()
    started = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - started)


def _empty_caches() -> None:
    normalisers._phone_cached.cache_clear()
    clear_caches()


def measure(name: str, texts: Texts, passes: int) -> dict[str, object]:
    # Warm-up outside the clock: metadata, the public-suffix list, compiled patterns.
    run_scanner(texts[:200])
    run_matcher(texts[:200])
    scanner_rates, matcher_rates = [], []
    for _ in range(passes):
        scanner_rates.append(one_pass(run_scanner, texts, _empty_caches))
        matcher_rates.append(one_pass(run_matcher, texts, lambda: None))
    s_any, s_phone = run_scanner(texts)
    m_any, _ = run_matcher(texts)
    result = {
        "corpus": name,
        "messages": len(texts),
        "scanner_msgs_per_s": round(max(scanner_rates)),
        "matcher_msgs_per_s": round(max(matcher_rates)),
        "ratio": round(max(scanner_rates) / max(matcher_rates), 2),
        "scanner_messages_with_finding": s_any,
        "scanner_messages_with_phone": s_phone,
        "matcher_messages_with_phone": m_any,
    }
    print(
        f"{name:22s} {len(texts):7d} msgs  scanner {result['scanner_msgs_per_s']:>8,} msg/s  "
        f"matcher {result['matcher_msgs_per_s']:>8,} msg/s  ratio {result['ratio']:.2f}x  |  "
        f"scanner: {s_any} with a finding, {s_phone} with a phone; matcher: {m_any} with a phone"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="copies of the labelled corpus")
    parser.add_argument("--demo-scale", type=float, default=0.5)
    parser.add_argument("--demo-seed", type=int, default=7)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()

    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    print(f"machine: {machine()}; pinned to core {core} of {os.cpu_count()}")
    print(f"phonenumbers {phonenumbers.__version__}, best of {args.passes} interleaved passes")
    sets: list[tuple[str, Texts | None]] = [
        (f"labelled corpus x{args.repeat}", labelled_corpus(args.repeat)),
        ("SMS Spam Collection", sms_corpus()),
        (f"demo scale {args.demo_scale}", demo_corpus(args.demo_scale, args.demo_seed)),
    ]
    results = []
    for name, texts in sets:
        if texts is None:
            print(f"{name}: skipped (sidedeal.demo is not available)")
            continue
        results.append(measure(name, texts, args.passes))
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
