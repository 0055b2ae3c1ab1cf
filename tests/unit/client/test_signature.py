"""The webhook signature, as a receiver checks it: right secret and body, fresh, or refused."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from sidedeal.client import SignatureError, sign, verify

SECRET = "whsec_test-secret"
BODY = b'{"id":"evt_1","type":"flag.raised","created_at":"2026-12-01T10:00:00+00:00","data":{}}'


def test_the_header_is_stripe_shaped_and_verifies() -> None:
    header = sign(SECRET, BODY, timestamp=1_700_000_000)
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert verify(SECRET, header, BODY, now=1_700_000_010) == 1_700_000_000


@pytest.mark.parametrize(
    ("secret", "body", "message"),
    [
        ("whsec_other", BODY, "does not match"),
        (SECRET, BODY.replace(b"flag.raised", b"flag.decided"), "does not match"),
    ],
)
def test_another_secret_or_a_changed_body_is_refused(
    secret: str, body: bytes, message: str
) -> None:
    header = sign(SECRET, BODY, timestamp=1_700_000_000)
    with pytest.raises(SignatureError, match=message):
        verify(secret, header, body, now=1_700_000_000)


def test_a_replay_older_than_five_minutes_is_refused() -> None:
    header = sign(SECRET, BODY, timestamp=1_700_000_000)
    assert verify(SECRET, header, BODY, now=1_700_000_300)
    with pytest.raises(SignatureError, match="301 s old"):
        verify(SECRET, header, BODY, now=1_700_000_301)


def test_a_timestamp_from_the_future_is_refused() -> None:
    header = sign(SECRET, BODY, timestamp=1_700_001_000)
    with pytest.raises(SignatureError, match="future"):
        verify(SECRET, header, BODY, now=1_700_000_000)


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=1700000000", "t=soon,v1=abc"])
def test_a_missing_or_malformed_header_is_refused(header: str | None) -> None:
    with pytest.raises(SignatureError):
        verify(SECRET, header, BODY, now=1_700_000_000)


def test_one_matching_v1_among_several_is_enough() -> None:
    good = sign(SECRET, BODY, timestamp=1_700_000_000)
    header = good.replace("v1=", "v1=" + "0" * 64 + ",v1=")
    assert verify(SECRET, header, BODY, now=1_700_000_000) == 1_700_000_000
