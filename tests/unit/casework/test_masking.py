"""Masking for viewers: enough to tell two values apart, never enough to reach the person."""

from __future__ import annotations

import pytest

from sidedeal.casework.masking import (
    known_values,
    mask_body,
    mask_key,
    mask_text,
    mask_value,
)


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("phone", "+447911123456", "+44 79** ***456"),
        ("phone", "+33142601234", "+33 14** **234"),
        ("phone", "+15556768", "+1 *****68"),
        ("phone", "5556768", "*****68"),
        ("email", "jhartley@gmail.com", "j***@gmail.com"),
        ("email", "broken-no-at", "b***"),
        ("iban", "GB82WEST12345698765432", "GB82**************5432"),
        ("handle", "telegram:hartley_w", "telegram:h***"),
        ("payout", "paypal.me:jsmith", "paypal.me:j***"),
        ("ip", "203.0.113.7", "203.0.*.*"),
        ("address", "12 rue de rivoli", "1***"),
        ("domain", "durand-antiques.fr", "durand-antiques.fr"),
    ],
)
def test_mask_value(kind: str, value: str, masked: str) -> None:
    assert mask_value(kind, value) == masked


def test_keys_and_prose() -> None:
    assert mask_key("phone:+447911123456") == "phone:+44 79** ***456"
    assert mask_key("buyer:b2") == "buyer:b2"
    assert mask_key("m3") == "m3"
    known = known_values(["m3", "handle:instagram:j.smith", "email:jhartley@gmail.com"])
    text = "seller shared handle instagram:j.smith and jhartley@gmail.com in message m3"
    assert mask_text(text, known) == (
        "seller shared handle instagram:j*** and j***@gmail.com in message m3"
    )
    # Values nobody listed are still caught by their shape.
    assert mask_text("call +447911123456 or a.b@c.com, IBAN GB82WEST12345698765432") == (
        "call +44 79** ***456 or a***@c.com, IBAN GB82**************5432"
    )


def test_body_spans_are_starred_and_the_length_kept() -> None:
    body = "Call me on 07911 234567 and save the commission"
    findings = [
        {"kind": "phone", "value": "+447911234567", "start": 11, "end": 23},
        {"kind": "cue", "value": "fee_avoidance", "start": 28, "end": 47},
        {"kind": "phone", "value": "x", "start": "bad", "end": None},
    ]
    masked = mask_body(body, findings)
    assert masked == "Call me on ***** ****** and save the commission"
    assert len(masked) == len(body)
    assert mask_body("short", [{"kind": "email", "start": 2, "end": 99}]) == "sh***"
