"""Row-level checks of the data contract: one function per entity turns a row of strings into typed
values, or raises :class:`RowError` with a reason a person can act on (the row then goes to the
rejects file). References to other entities are checked later, against the graph, in batches."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sidedeal.ingest.contract import ACCOUNT_TYPES, CONTACT_KINDS, SENDER_ROLES

Values = dict[str, str | None]
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
CURRENCY = re.compile(r"^[A-Za-z]{3}$")


class RowError(ValueError):
    """A row breaks the contract; ``str(error)`` is the reason written to the rejects file."""


def required(values: Values, name: str) -> str:
    value = values.get(name)
    if value is None:
        raise RowError(f"missing {name}")
    return value


def id_value(values: Values, name: str, *, needed: bool = True) -> str | None:
    """An id (a key or a reference to one): text without control characters.

    A NUL, an escape or a U+FFFD left by a bad byte in an id is a broken export, not a new
    account: loaded, it would become a phantom ('s000003\\x00' beside 's000003').
    """
    value = values.get(name) if not needed else required(values, name)
    if value is None:
        return None
    for position, char in enumerate(value):
        if char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cs"):
            raise RowError(
                f"{name} {value!r} holds a control character (U+{ord(char):04X} at position "
                f"{position}): ids must be plain text"
            )
    return value


def _key(values: Values, name: str) -> str:
    value = id_value(values, name)
    assert value is not None  # needed=True raised otherwise
    return value


def timestamp(values: Values, name: str, *, needed: bool) -> datetime | None:
    """ISO 8601; a timestamp without a zone is UTC, as the contract says."""
    text = values.get(name)
    if text is None:
        if needed:
            raise RowError(f"missing {name}")
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"{name} {text!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def country(values: Values) -> str | None:
    text = values.get("country")
    if text is None:
        return None
    if not COUNTRY.match(text):
        raise RowError(f"country {text!r} is not an ISO 3166-1 alpha-2 code")
    return text.upper()


def amount(values: Values, name: str, *, needed: bool) -> float | None:
    text = values.get(name)
    if text is None:
        if needed:
            raise RowError(f"missing {name}")
        return None
    try:
        number = Decimal(text.replace(",", "") if text.count(",") and "." in text else text)
    except InvalidOperation:
        raise RowError(f"{name} {text!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise RowError(f"{name} {text!r} must be a non-negative number")
    return float(number)


def currency(values: Values, *, needed: bool) -> str | None:
    text = values.get("currency")
    if text is None:
        if needed:
            raise RowError("missing currency")
        return None
    if not CURRENCY.match(text):
        raise RowError(f"currency {text!r} is not an ISO 4217 code")
    return text.upper()


def _props(**kwargs: Any) -> dict[str, Any]:
    # Only present values: `SET n += props` with a null would erase what an earlier load stored.
    return {key: value for key, value in kwargs.items() if value is not None}


def account(values: Values, key: str) -> dict[str, Any]:
    return {
        key: _key(values, key),
        "country": country(values),
        "email": values.get("email"),
        "phone": values.get("phone"),
        "website": values.get("website"),
        "props": _props(
            name=values.get("name"),
            country=country(values),
            created_at=timestamp(values, "created_at", needed=False),
        ),
    }


def listing(values: Values) -> dict[str, Any]:
    return {
        "listing_id": _key(values, "listing_id"),
        "seller_id": _key(values, "seller_id"),
        "props": _props(
            title=values.get("title"),
            category=values.get("category"),
            price=amount(values, "price", needed=False),
            currency=currency(values, needed=False),
            created_at=timestamp(values, "created_at", needed=False),
        ),
    }


def conversation(values: Values) -> dict[str, Any]:
    return {
        "conversation_id": _key(values, "conversation_id"),
        "buyer_id": _key(values, "buyer_id"),
        "seller_id": _key(values, "seller_id"),
        "listing_id": id_value(values, "listing_id", needed=False),
        "props": _props(
            started_at=timestamp(values, "started_at", needed=True),
            listing_id=id_value(values, "listing_id", needed=False),
        ),
    }


def message(values: Values) -> dict[str, Any]:
    sender = required(values, "sender").lower()
    if sender not in SENDER_ROLES:
        raise RowError(f"unknown sender role {values.get('sender')!r} (expected buyer or seller)")
    return {
        "message_id": _key(values, "message_id"),
        "conversation_id": _key(values, "conversation_id"),
        "sender": sender,
        "sent_at": timestamp(values, "sent_at", needed=True),
        "body": required(values, "body"),
    }


def order(values: Values) -> dict[str, Any]:
    return {
        "order_id": _key(values, "order_id"),
        "buyer_id": _key(values, "buyer_id"),
        "seller_id": _key(values, "seller_id"),
        "listing_id": id_value(values, "listing_id", needed=False),
        "props": _props(
            amount=amount(values, "amount", needed=True),
            currency=currency(values, needed=True),
            placed_at=timestamp(values, "placed_at", needed=True),
            status=required(values, "status").lower(),
            listing_id=id_value(values, "listing_id", needed=False),
            conversation_id=id_value(values, "conversation_id", needed=False),
        ),
    }


def contact(values: Values) -> dict[str, Any]:
    account_type = required(values, "account_type").lower()
    if account_type not in ACCOUNT_TYPES:
        raise RowError(f"unknown account_type {values.get('account_type')!r} (buyer or seller)")
    kind = required(values, "kind").lower()
    if kind not in CONTACT_KINDS:
        raise RowError(f"unknown kind {values.get('kind')!r} (one of {sorted(CONTACT_KINDS)})")
    return {
        "account_type": account_type,
        "account_id": _key(values, "account_id"),
        "kind": kind,
        "value": required(values, "value"),
        "observed_at": timestamp(values, "observed_at", needed=False),
    }
