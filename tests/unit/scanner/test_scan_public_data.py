"""The scanner on public data nobody here wrote: masked emails and the SMS Spam Collection."""

from __future__ import annotations

import pytest

from sidedeal.scanner import scan
from tests.unit.scanner.corpora import masked_emails, sms

# Reached when set (0.41% of ham, 73.9% of spam), and kept.
HAM_WITH_FINDING_AT_MOST = 0.005
SPAM_WITH_PHONE_AT_LEAST = 0.73


@pytest.mark.parametrize("case", masked_emails(), ids=lambda case: case["masked"])
def test_masked_email_comes_out_right(case: dict[str, str]) -> None:
    """All 25 cases of jenkinsci/jira-plugin's UnmaskMailTest, the whole masked text one email."""
    found = scan(case["masked"])
    assert [(f.kind, f.value) for f in found] == [("email", case["expected"])]
    assert (found[0].start, found[0].end) == (0, len(case["masked"]))


def test_sms_ham_false_positives_and_spam_phone_recall() -> None:
    """Ham with any finding is a false-positive proxy (it also counts real URLs and emails in ham);
    spam with a phone or short code found is phone recall on real, messy numbers (UK default
    region). Premium numbers glued to prices ("087123002209am") or missing a digit are not
    valid numbers and are not found; that is the price of validating every phone."""
    rows = sms()
    ham = [text for label, text in rows if label == "ham"]
    spam = [text for label, text in rows if label == "spam"]
    ham_hits = sum(1 for text in ham if scan(text, "GB"))
    spam_hits = sum(1 for text in spam if any(f.kind == "phone" for f in scan(text, "GB")))
    short_codes = sum(
        1 for text in spam if any(f.rule == "phone.shortcode" for f in scan(text, "GB"))
    )
    ham_share = ham_hits / len(ham)
    spam_share = spam_hits / len(spam)
    print(
        f"\nSMS: ham with a finding {ham_hits}/{len(ham)} = {ham_share:.4f}; spam with a phone or "
        f"short code {spam_hits}/{len(spam)} = {spam_share:.3f} ({short_codes} with a short code)"
    )
    assert ham_share <= HAM_WITH_FINDING_AT_MOST
    assert spam_share >= SPAM_WITH_PHONE_AT_LEAST


def test_sms_premium_number_and_short_code() -> None:
    text = "URGENT! Call 09061701461 to claim. Or text WIN to 87121 now"
    found = {(f.kind, f.value, f.rule) for f in scan(text, "GB")}
    assert ("phone", "+449061701461", "phone.digits") in found
    assert ("phone", "87121", "phone.shortcode") in found
