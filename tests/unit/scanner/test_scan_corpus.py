"""Precision and recall on the labelled corpus (tests/data/scanner_corpus.jsonl).

The corpus was written before the scanner, from these labelling conventions:

- phone: every dialable number (valid for the sender's country, or international), E.164. A
  WhatsApp/Signal/Telegram/Viber "handle" that is a number is the phone only; wa.me/<n> -> phone.
- email: canonical form (lower case; gmail dots and +tags dropped; +tags dropped for outlook/
  hotmail/live, icloud/me, fastmail, protonmail/proton.me).
- url: registrable domain of an outside URL or bare domain; not the platform's own domains, not the
  domain of an email, not a social/chat link that names a handle (-> handle), not paypal.me/x.
- handle: platform:handle for a username on a chat/social app (or Venmo/Cash App); a bare @handle
  with no platform named -> unknown:handle.
- payment: iban:<IBAN> (mod-97 valid), sortcode:<6>:<8>, paypal.me:<user>, btc:/eth:<wallet>, and
  methods (wire_direct, paypal_ff, paypal, zelle, venmo, cashapp, revolut, bizum, tikkie, twint,
  western_union, moneygram, crypto, cash_on_collection); not through the platform's checkout, not
  refused.
- cue: circumvention (off the platform, deal directly, a chat app named as the way to talk),
  fee_avoidance, solicitation (asking for the other side's contact or bank details),
  direct_invoice; not when negated.

A message is positive when it has any expected finding. Value-level counts compare the sets of
(kind, value) per message.
"""

from __future__ import annotations

from collections import Counter

from sidedeal.scanner import scan
from tests.unit.scanner.corpora import corpus

# Reached when the thresholds were set, and kept: lowering one needs a reason in review.
MESSAGE_PRECISION = 0.99
MESSAGE_RECALL = 0.99
VALUE_PRECISION = 0.99
VALUE_RECALL = 0.99


def test_corpus_is_what_the_issue_asks_for() -> None:
    rows = corpus()
    assert len(rows) >= 300
    hard = sum("hard_negative" in row["tags"] for row in rows)
    assert hard * 3 >= len(rows), f"only {hard} hard negatives in {len(rows)}"
    assert {row["lang"] for row in rows} >= {"en", "fr", "it", "de", "es", "nl"}
    tags = Counter(tag for row in rows for tag in row["tags"])
    for obfuscation in (
        "spelled", "spaced", "split_words", "fullwidth", "other_script", "keycap", "zero_width",
        "confusable", "lookalike", "at_dot_words", "bracket", "spaced_at", "mixed_words",
    ):  # fmt: skip
        assert tags[obfuscation] >= 2, obfuscation
    assert len({row["id"] for row in rows}) == len(rows)


def test_message_and_value_precision_recall() -> None:
    tp = fp = fn = 0
    message = Counter[str]()
    per_kind: dict[str, Counter[str]] = {}
    for row in corpus():
        got = {(f.kind, f.value) for f in scan(row["text"], row["country"])}
        expected = {(e["kind"], e["value"]) for e in row["expected"]}
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
        message["tp" if got and expected else "fp" if got else "fn" if expected else "tn"] += 1
        for kind, _ in got | expected:
            per_kind.setdefault(kind, Counter())
        for kind, value in got:
            per_kind[kind]["tp" if (kind, value) in expected else "fp"] += 1
        for kind, _ in expected - got:
            per_kind[kind]["fn"] += 1
    m_precision = message["tp"] / (message["tp"] + message["fp"])
    m_recall = message["tp"] / (message["tp"] + message["fn"])
    v_precision = tp / (tp + fp)
    v_recall = tp / (tp + fn)
    print(
        f"\ncorpus: {sum(message.values())} messages; message precision {m_precision:.3f} "
        f"recall {m_recall:.3f}; value precision {v_precision:.3f} recall {v_recall:.3f} "
        f"({tp} right, {fp} extra, {fn} missed)"
    )
    for kind, counts in sorted(per_kind.items()):
        print(
            f"  {kind:8s} right {counts['tp']:3d}  extra {counts['fp']:2d}  missed {counts['fn']:2d}"
        )
    assert m_precision >= MESSAGE_PRECISION
    assert m_recall >= MESSAGE_RECALL
    assert v_precision >= VALUE_PRECISION
    assert v_recall >= VALUE_RECALL


def test_hard_negatives_give_no_phone() -> None:
    wrong = [
        (row["id"], row["text"])
        for row in corpus()
        if "hard_negative" in row["tags"]
        and any(f.kind == "phone" for f in scan(row["text"], row["country"]))
    ]
    assert wrong == []


def test_every_span_slices_the_original_text() -> None:
    for row in corpus():
        text = row["text"]
        for finding in scan(text, row["country"]):
            assert 0 <= finding.start < finding.end <= len(text)
            assert text[finding.start : finding.end].strip() == text[finding.start : finding.end]
