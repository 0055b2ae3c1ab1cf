"""Pure enforcement rules: the ladder, notice rendering, commission, CSV cells, request ids,
and how a search query is read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sidedeal.api.middleware import clean_request_id
from sidedeal.casework.enforcement import step_for
from sidedeal.casework.export import to_csv
from sidedeal.casework.notices import evidence_lines, render
from sidedeal.casework.recovery import TRANSITIONS, commission
from sidedeal.casework.search import identifier_keys, modes

LADDER = ["warning", "formal_notice", "final_notice", "suspension_recommended"]


@pytest.mark.parametrize(
    ("strike", "step"),
    [(1, "warning"), (2, "formal_notice"), (3, "final_notice"), (4, "suspension_recommended"),
     (9, "suspension_recommended"), (0, "warning")],
)  # fmt: skip
def test_step_for_the_nth_strike(strike: int, step: str) -> None:
    assert step_for(strike, LADDER) == step


def test_a_notice_names_the_seller_the_case_and_the_evidence() -> None:
    flags = [{"flag_id": "pair:b2:s2", "top_reason": "seller shared phone +447911234567: +0.5"}]
    subject, body = render(
        "formal_notice",
        seller_id="s2",
        seller_name="Hartley $Watches",
        case_id="case-1",
        strike_number=2,
        strike_expires=datetime(2027, 3, 1, tzinfo=UTC),
        expiry_months=12,
        flags=flags,
    )
    assert subject == "Formal violation notice (case-1)"
    assert "Dear Hartley $Watches" in body  # user text is never read as a placeholder
    assert "strike 2" in body and "2027-03-01" in body
    # Seller-facing: no score, no flag id (tests/unit/casework/test_notice_text.py says more);
    # the internal suspension recommendation keeps the analysis's reasons for staff.
    assert "+0.5" not in body and "pair:b2:s2" not in body
    _, internal = render(
        "suspension_recommended", seller_id="s2", seller_name=None, case_id="case-1",
        strike_number=4, strike_expires=None, expiry_months=12, flags=flags,
    )  # fmt: skip
    assert "- seller shared phone +447911234567: +0.5 (flag pair:b2:s2)" in internal
    generic_subject, _ = render(
        "account_review", seller_id="s", seller_name=None, case_id="c", strike_number=5,
        strike_expires=None, expiry_months=6, flags=[],
    )  # fmt: skip
    assert generic_subject == "Account review (c)"
    many = evidence_lines([{"flag_id": f"f{i}", "reasons": ["r"]} for i in range(12)])
    assert many.endswith("- and 2 more confirmed findings")


def test_commission_is_decimal_and_rounded_half_up() -> None:
    assert commission(12500, 0.15) == 1875.0
    assert commission(0.1, 0.15) == 0.02  # 0.015 -> 0.02, not a binary-float 0.01
    assert commission(19.99, 0.125) == 2.5
    assert TRANSITIONS["paid"] == frozenset()


def test_csv_cells_cannot_become_formulas() -> None:
    text = to_csv(["a", "b", "c"], [{"a": "=HYPERLINK(1)", "b": ["x", "y"], "c": None}])
    assert text.splitlines() == ["a,b,c", "'=HYPERLINK(1),x | y,"]


def test_request_ids() -> None:
    assert clean_request_id("trace-1.a:b_c") == "trace-1.a:b_c"
    assert len(clean_request_id("bad id\n")) == 32
    assert len(clean_request_id(None)) == 32
    assert len(clean_request_id("x" * 129)) == 32


def test_how_a_query_is_read() -> None:
    assert modes("s12", "auto") == ["id", "name"]
    assert modes("+44 7911 123456", "auto") == ["id", "phone"]
    assert "phone" in modes("+44 7911 123456", "auto")
    assert "email" in modes("a@b.com", "auto")
    assert "handle" in modes("@someone", "auto") and "email" not in modes("@someone", "auto")
    assert modes("anything", "email") == ["email"]
    keys = identifier_keys("07911 123456", "phone", ["GB", "FR"])
    assert "phone:+447911123456" in keys
    assert identifier_keys("J.Smith+x@GMAIL.com", "email", []) == {"email:jsmith@gmail.com"}
    assert identifier_keys("insta:@J.Smith", "handle", []) == {"handle:instagram:j.smith"}
