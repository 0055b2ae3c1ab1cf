"""The pre-send check's policy on real scanner output: what a sender is told, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sidedeal.casework.presend import SenderRole, check, load_policy

POLICY = load_policy()
DOMAINS = ["sidedeal-market.com"]


def verdict(text: str, role: SenderRole | None, country: str = "GB") -> dict[str, Any]:
    return check(text, country, role, POLICY, DOMAINS).model_dump()


def test_a_seller_writing_a_phone_number_is_held_with_the_span() -> None:
    text = "Lovely watch. Call me on 07911 234567 and we sort it out"
    result = verdict(text, "seller")
    assert result["action"] == "hold"
    assert [r["id"] for r in result["rules"]] == ["seller_contact_details"]
    (finding,) = result["findings"]
    assert finding["value"] == "+447911234567" and finding["category"] == "phone"
    assert text[finding["start"] : finding["end"]] == "07911 234567"


def test_the_same_number_from_a_buyer_is_a_nudge() -> None:
    result = verdict("Call me on 07911 234567", "buyer")
    assert result["action"] == "nudge"
    assert result["rules"][0]["id"] == "buyer_contact_details"


def test_an_unknown_sender_gets_the_strictest_rule() -> None:
    assert verdict("Call me on 07911 234567", None)["action"] == "hold"


def test_a_bank_account_is_held_whoever_writes_it() -> None:
    result = verdict("pay to GB33 BUKB 2020 1555 5555 55 please", "buyer")
    assert result["action"] == "hold"
    assert "bank_details" in [r["id"] for r in result["rules"]]


def test_a_cue_alone_is_a_nudge_and_comes_back_as_a_cue() -> None:
    result = verdict("we can avoid the fees if you pay by bank transfer directly", "seller")
    assert result["action"] == "nudge"
    assert result["findings"] == []
    assert result["cues"], result
    assert {r["id"] for r in result["rules"]} == {"off_platform_cue"}


def test_a_plain_question_is_allowed() -> None:
    result = verdict("Is the strap original? The reference is 16610 from 1998.", "buyer")
    assert result == {**result, "action": "allow", "rules": [], "findings": [], "cues": []}
    assert result["reason"] == "nothing found"


def test_hold_wins_over_nudge_and_the_reason_is_the_holding_rules() -> None:
    result = verdict("avoid the fees: call 07911 234567", "seller")
    assert result["action"] == "hold"
    assert result["rules"][0]["action"] == "hold"
    assert "off_platform_cue" in [r["id"] for r in result["rules"]]
    assert result["reason"] == POLICY.rule[0].reason


def test_a_policy_with_an_unknown_kind_stops_start_up_naming_the_rule(tmp_path: Path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text('[[rule]]\nid = "x"\naction = "hold"\nkinds = ["fax"]\nreason = "r"\n')
    with pytest.raises(ValueError, match=r"rule\.0\.kinds.*fax"):
        load_policy(bad)


def test_a_policy_with_a_rule_id_twice_is_refused(tmp_path: Path) -> None:
    rule = '[[rule]]\nid = "x"\naction = "nudge"\nkinds = ["cue"]\nreason = "r"\n'
    bad = tmp_path / "policy.toml"
    bad.write_text(rule + rule)
    with pytest.raises(ValueError, match="used twice: x"):
        load_policy(bad)


def test_min_confidence_lets_weak_findings_through(tmp_path: Path) -> None:
    strict = tmp_path / "policy.toml"
    strict.write_text(
        '[[rule]]\nid = "sure_phone"\naction = "hold"\nkinds = ["phone"]\n'
        'min_confidence = 1.0\nreason = "r"\n'
    )
    policy = load_policy(strict)
    result = check("Call me on 07911 234567", "GB", "seller", policy, DOMAINS)
    assert result.findings and result.findings[0].confidence < 1.0
    assert result.action == "allow"
    assert result.reason == "no rule of the policy matched what was found"
