"""What a seller reads in a notice: plain language with the evidence quoted, none of our
internals (scores, "+0.60", message ids, flag ids, cue or signal names)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sidedeal.casework.notices import render

PAIR = {
    "flag_id": "pair:b2:s2",
    "kind": "pair",
    "top_reason": "off-platform cue 'fee_avoidance' from the seller in message m3: +0.60",
    "reasons": [
        "off-platform cue 'fee_avoidance' from the seller in message m3: +0.60",
        "seller shared phone +447911234567 in message m3: +0.04",
        "buyer shared email tom.baker@outlook.com in message m4: +0.02",
    ],
    "evidence": ["m3", "m4", "phone:+447911234567", "email:tom.baker@outlook.com"],
    "factors": json.dumps(
        [
            {
                "signal": "pair.cue.fee_avoidance",
                "contribution": 0.6,
                "evidence": ["m3"],
                "reason": "off-platform cue 'fee_avoidance' from the seller in message m3",
            },
            {
                "signal": "pair.contact_by_seller",
                "contribution": 0.04,
                "evidence": ["m3", "phone:+447911234567"],
                "reason": "seller shared phone +447911234567 in message m3",
            },
            {
                "signal": "pair.contact_by_buyer",
                "contribution": 0.02,
                "evidence": ["m4", "email:tom.baker@outlook.com"],
                "reason": "buyer shared email tom.baker@outlook.com in message m4",
            },
            {
                "signal": "pair.quiet_after_contact",
                "contribution": 0.2,
                "evidence": ["m3"],
                "reason": "phone shared in message m3, no order since",
            },
        ]
    ),
    "messages": [
        {
            "message_id": "m3",
            "sender": "seller",
            "sent_at": "2024-02-03T11:00:00Z",
            "body": "Call me on 07911 234567 and we can do this outside the site to save the "
            "commission.",
            "findings": json.dumps(
                [
                    {"kind": "phone", "value": "+447911234567", "start": 11, "end": 23},
                    {"kind": "cue", "value": "circumvention", "start": 35, "end": 51},
                ]
            ),
        },
        {
            "message_id": "m4",
            "sender": "buyer",
            "sent_at": "2024-02-03T12:00:00Z",
            "body": "Sure, or email me: tom.baker [at] outlook [dot] com",
        },
    ],
}
SELLER = {
    "flag_id": "seller:s1",
    "kind": "seller",
    "top_reason": "payout account iban GB82WEST12345698765432 shared with seller s3: +0.70",
    "reasons": ["payout account iban GB82WEST12345698765432 shared with seller s3: +0.70"],
    "evidence": ["iban:GB82WEST12345698765432", "seller:s3"],
    "factors": json.dumps(
        [
            {
                "signal": "seller.shared_payout",
                "contribution": 0.7,
                "evidence": ["iban:GB82WEST12345698765432", "seller:s3"],
                "reason": "payout account iban GB82WEST12345698765432 shared with seller s3",
            }
        ]
    ),
    "messages": [],
}


def body_for(*flags: dict[str, object], step: str = "formal_notice") -> tuple[str, str]:
    return render(
        step,
        seller_id="s2",
        seller_name="Hartley Watches",
        case_id="case-1",
        strike_number=2,
        strike_expires=datetime(2027, 3, 1, tzinfo=UTC),
        expiry_months=12,
        flags=list(flags),
    )


def test_a_notice_quotes_what_the_seller_wrote_in_plain_language() -> None:
    subject, body = body_for(PAIR, SELLER)
    assert "On 3 February 2024 you wrote to a buyer:" in body
    assert "Call me on ***** ****** and we can do this outside the site" in body
    assert "07911" not in body, "a contact detail in a quote is starred out"
    assert "On 3 February 2024 a buyer sent you their contact details" in body
    assert "tom.baker" not in body, "a buyer's contact details are not the seller's to read"
    assert "no order followed on the marketplace" in body
    assert "GB82" in body and "another seller account" in body
    for internal in (
        "+0.",
        "m3",
        "m4",
        "pair:",
        "seller:s3",
        "fee_avoidance",
        "cue",
        "flag",
        "scored",
        "s3",
    ):
        assert internal not in body, (internal, body)
    assert not re.search(r"\b0\.\d\d\b", body), body
    assert subject == "Formal violation notice (case-1)"


def test_a_flag_without_messages_or_factors_still_reads_plainly() -> None:
    _, body = body_for({"flag_id": "pair:b9:s2", "kind": "pair", "reasons": ["x: +0.30"]})
    assert "+0.30" not in body and "pair:b9:s2" not in body
    assert "sales were arranged outside the marketplace" in body
