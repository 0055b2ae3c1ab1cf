"""Scanner quality on the Craigslist ads: value-level precision and recall of phones and emails.

Reads a label file (``tests/data/craigslist_dev_labels.jsonl``, the development part, or the
held-out part labelled by someone else; format in ``tests/unit/scanner/craigslist.py``), scans
each ad's text (title, a line break, the description's lines) with country "US", and compares
the hashes of the phones and emails found with the labelled ones. Three scanners side by side:

- this checkout's scanner;
- the scanner as it was on main at 109e1de ("old"), run in a subprocess from ``git archive`` of
  that commit (nothing of it is kept);
- the naive pair: phonenumbers' ``PhoneNumberMatcher(text, "US")`` and a plain email regex.

Labels marked ``unsure`` and phones labelled not ``valid`` are neither required nor counted
against a scanner that finds them. Recall is also given per obfuscation class (a value with two
classes counts in both); precision per class is not defined for false positives, which have no
class, so false positives are listed by kind. Nothing here prints an ad's text or a value.

    .venv/bin/python -m bench.scan_quality [LABELS] [--no-old] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import phonenumbers

from bench.common import REPO
from sidedeal.identifiers.normalisers import normalise_email
from tests.unit.scanner.craigslist import (
    CLASSES,
    DEV_LABELS,
    ads,
    read_labels,
    text_of,
    value_hash,
)

OLD_COMMIT = "109e1de"
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# post id -> the values found, each as (kind, the hashes it may be labelled under)
Found = dict[str, set[tuple[str, frozenset[str]]]]


def _email(address: str) -> tuple[str, frozenset[str]]:
    """An email found, with the hashes it may be labelled under: canonical (gmail dots and
    +tags dropped) and plainly lower-cased."""
    hashes = {value_hash("email", address.lower())}
    ident = normalise_email(address)
    if ident is not None:
        hashes.add(value_hash("email", ident.value))
    return ("email", frozenset(hashes))


def _phone(e164: str) -> tuple[str, frozenset[str]]:
    return ("phone", frozenset({value_hash("phone", e164)}))


def scan_new(texts: dict[str, str]) -> Found:
    from sidedeal.scanner import scan

    found: Found = {}
    for post_id, text in texts.items():
        found[post_id] = {
            _phone(f.value) if f.kind == "phone" else _email(f.value)
            for f in scan(text, "US")
            if (f.kind == "phone" and f.value.startswith("+")) or f.kind == "email"
        }
    return found


_OLD_RUNNER = """
import hashlib, json, sys
from sidedeal.scanner import scan
texts = json.load(sys.stdin)
out = {}
for post_id, text in texts.items():
    out[post_id] = [[f.kind, f.value] for f in scan(text, "US") if f.kind in ("phone", "email")]
json.dump(out, sys.stdout)
"""


def scan_old(texts: dict[str, str]) -> Found:
    """The scanner of main at ``OLD_COMMIT``, from ``git archive`` into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", OLD_COMMIT, "sidedeal"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        result = subprocess.run(
            [sys.executable, "-c", _OLD_RUNNER],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp,
            env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"},
        )
    found: Found = {}
    for post_id, values in json.loads(result.stdout).items():
        found[post_id] = {
            _phone(value) if kind == "phone" else _email(value)
            for kind, value in values
            if (kind == "phone" and value.startswith("+")) or kind == "email"
        }
    return found


def scan_naive(texts: dict[str, str]) -> Found:
    found: Found = {}
    for post_id, text in texts.items():
        values = {
            _phone(phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164))
            for m in phonenumbers.PhoneNumberMatcher(text, "US")
        }
        found[post_id] = values | {_email(address) for address in _EMAIL.findall(text)}
    return found


def score(labels: list[dict[str, Any]], found: Found) -> dict[str, Any]:
    """Value-level counts overall, per kind and per class (recall only)."""
    kinds: dict[str, Counter[str]] = {"phone": Counter(), "email": Counter()}
    classes: dict[str, Counter[str]] = {name: Counter() for name in CLASSES}
    for row in labels:
        required: dict[str, tuple[str, list[str]]] = {}
        excused: set[str] = set()
        for kind in ("phone", "email"):
            for entry in row[kind + "s"]:
                if entry.get("unsure") or not entry.get("valid", True):
                    excused.add(entry["sha256"])
                else:
                    required[entry["sha256"]] = (kind, entry["classes"])
        hit: set[str] = set()
        for kind, hashes in found.get(row["post_id"], set()):
            if hashes & required.keys():
                hit |= hashes & required.keys()
            elif not hashes & excused:
                kinds[kind]["fp"] += 1
        for digest, (kind, tags) in required.items():
            outcome = "tp" if digest in hit else "fn"
            kinds[kind][outcome] += 1
            for tag in tags:
                classes[tag][outcome] += 1
    tp = sum(k["tp"] for k in kinds.values())
    fp = sum(k["fp"] for k in kinds.values())
    fn = sum(k["fn"] for k in kinds.values())
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "kinds": {k: dict(v) for k, v in kinds.items()},
        "classes": {k: dict(v) for k, v in classes.items() if v},
    }


def evaluate(
    labels: list[dict[str, Any]], texts: dict[str, str], scanners: dict[str, Callable[..., Found]]
) -> dict[str, dict[str, Any]]:
    """``score`` of each scanner."""
    return {name: score(labels, run(texts)) for name, run in scanners.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="?", type=Path, default=DEV_LABELS)
    parser.add_argument("--held-out", action="store_true", help="the labels are of held-out ads")
    parser.add_argument("--no-old", action="store_true", help="skip the scanner of 109e1de")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    labels = read_labels(args.labels)
    wanted = {row["post_id"] for row in labels}
    texts = {ad["post_id"]: text_of(ad) for ad in ads(held_out=args.held_out, wanted=wanted)}
    missing = wanted - texts.keys()
    if missing:
        sys.exit(f"{len(missing)} labelled ads are not in the listings (or in the other part)")
    scanners: dict[str, Callable[..., Found]] = {"scanner": scan_new}
    if not args.no_old:
        scanners["old 109e1de"] = scan_old
    scanners["naive pair"] = scan_naive
    results = evaluate(labels, texts, scanners)
    print(f"{args.labels.name}: {len(labels)} ads")
    report(results)
    if args.json:
        print(json.dumps(results, indent=2))


def report(results: dict[str, dict[str, Any]]) -> None:
    names = list(results)
    print(f"{'':28s}" + "".join(f"{n:>22s}" for n in names))
    row = "".join(f"{r['precision']:>9.3f} / {r['recall']:.3f}  " for r in results.values())
    print(f"{'all (precision / recall)':28s}{row}")
    counts = "".join(f"{r['tp']:>7d} {r['fp']:>5d} {r['fn']:>5d}   " for r in results.values())
    print(f"{'  right / extra / missed':28s}{counts}")
    for kind in ("phone", "email"):
        cells = []
        for r in results.values():
            k = r["kinds"][kind]
            tp, fp, fn = k.get("tp", 0), k.get("fp", 0), k.get("fn", 0)
            p = tp / (tp + fp) if tp + fp else 1.0
            rc = tp / (tp + fn) if tp + fn else 1.0
            cells.append(f"{p:>9.3f} / {rc:.3f}  ")
        print(f"{kind:28s}" + "".join(cells))
    print("recall per class (found / labelled):")
    classes = sorted({c for r in results.values() for c in r["classes"]}, key=CLASSES.index)
    for name in classes:
        cells = []
        for r in results.values():
            c = r["classes"].get(name, {})
            tp, fn = c.get("tp", 0), c.get("fn", 0)
            cells.append(f"{tp / (tp + fn) if tp + fn else 1.0:>9.3f} ({tp:>3d}/{tp + fn:<3d})  ")
        print(f"  {name:26s}" + "".join(cells))


if __name__ == "__main__":
    main()
