"""Every anchor is a necessary condition of its pattern: strings generated from each pattern that
the pattern matches (after normalisation, as the scanner sees them) always get that pattern
planned by the pre-filter. A wrong anchor would silently lose findings."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidedeal.scanner import cues, gate, handles, payments
from sidedeal.scanner.anchors import Anchors, parse
from sidedeal.scanner.engine import clear_caches
from sidedeal.scanner.normalise import normalise

FROM_PATTERN = settings(
    max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
# Text around a match, so gates see more than the bare phrase.
AROUND = st.sampled_from(["", " ", "ok ", " thanks", "\n", ", 12 ", " x ", "É "])


def _planned(text: str) -> gate.Plan | None:
    screened = gate.screen(text)
    return None if screened is None else screened[2]


@pytest.mark.parametrize("number", range(len(cues.PATTERNS)))
@FROM_PATTERN
@given(data=st.data())
def test_every_cue_match_is_planned(number: int, data: st.DataObject) -> None:
    category, _, pattern = cues.PATTERNS[number]
    text = data.draw(AROUND) + data.draw(st.from_regex(pattern)) + data.draw(AROUND)
    if pattern.search(normalise(text).low):
        plan = _planned(text)
        assert plan is not None and number in plan.cues, (category, text)


@pytest.mark.parametrize("number", range(len(payments.METHOD_ANCHORS)))
@FROM_PATTERN
@given(data=st.data())
def test_every_payment_method_match_is_planned(number: int, data: st.DataObject) -> None:
    method, _, pattern = payments._METHODS[number]
    text = data.draw(AROUND) + data.draw(st.from_regex(pattern)) + data.draw(AROUND)
    if pattern.search(normalise(text).low):
        plan = _planned(text)
        assert plan is not None and number in plan.methods, (method, text)


@FROM_PATTERN
@given(data=st.data())
def test_every_platform_name_is_planned(data: st.DataObject) -> None:
    text = data.draw(AROUND) + data.draw(st.from_regex(handles._PLATFORM)) + data.draw(AROUND)
    if handles._PLATFORM.search(normalise(text).low):
        plan = _planned(text)
        assert plan is not None and plan.handles, text


@FROM_PATTERN
@given(data=st.data())
def test_cold_and_warm_word_caches_plan_alike(data: st.DataObject) -> None:
    number = data.draw(st.integers(0, len(cues.PATTERNS) - 1))
    text = data.draw(st.from_regex(cues.PATTERNS[number][2]))
    clear_caches()
    cold = _planned(text)
    assert _planned(text) == cold


def test_anchor_notation() -> None:
    alternatives = parse("a|(b c)+'d e'|f+g")
    assert [[(sorted(g.words), g.texts) for g in alt] for alt in alternatives] == [
        [(["a"], ())],
        [(["b", "c"], ()), ([], ("d e",))],
        [(["f"], ()), (["g"], ())],
    ]
    anchors = Anchors("a|(b c)+'d e'|f+g")
    assert anchors.hit({"a"}, "")
    assert anchors.hit({"c"}, "x d e y") and not anchors.hit({"c"}, "x d  e")
    assert anchors.hit({"f", "g"}, "") and not anchors.hit({"f"}, "")
    for bad in ("a||b", "(a", "a+", "A", "06", "''", "a b"):
        with pytest.raises(ValueError):
            parse(bad)


def test_anchor_words_are_letters_and_texts_are_lower_case() -> None:
    for anchors in (cues.ANCHORS, payments.ANCHORS, handles.ANCHORS):
        for alternative in anchors._alternatives:
            for group in alternative:
                assert all(re.fullmatch(r"[a-z]+", w) for w in group.words), group
                assert all(t == t.lower() for t in group.texts), group
