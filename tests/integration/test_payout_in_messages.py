"""A payout detail written in a message (a PayPal.me link, a sort code and account, a wallet) is a
contact detail exchanged, as an IBAN is: it must weigh on the pair's score like one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sidedeal.graph.store import Store
from tests.helpers import load_market

BODIES = {
    "paypal": "Send it to paypal.me/rpatelantiques and I will post it tomorrow.",
    "sortcode": "Pay sort code 20-00-00 account 55779911 and I ship the same day.",
    "iban": "Pay to GB33 BUKB 2020 1555 5555 55 and I ship the same day.",
}


def _market() -> dict[str, list[dict[str, str]]]:
    sellers = [{"seller_id": f"s-{name}", "name": name, "country": "GB"} for name in BODIES]
    buyers = [{"buyer_id": f"b-{name}", "name": name, "country": "GB"} for name in BODIES]
    conversations = [
        {
            "conversation_id": f"c-{name}",
            "buyer_id": f"b-{name}",
            "seller_id": f"s-{name}",
            "started_at": "2024-01-01T10:00:00Z",
        }
        for name in BODIES
    ]
    messages = [
        {
            "message_id": f"m-{name}",
            "conversation_id": f"c-{name}",
            "sender": "seller",
            "sent_at": "2024-01-01T11:00:00Z",
            "body": body,
        }
        for name, body in BODIES.items()
    ]
    # A later message elsewhere sets the data's "now" well after the exchange.
    sellers.append({"seller_id": "s-later", "name": "later", "country": "GB"})
    buyers.append({"buyer_id": "b-later", "name": "later", "country": "GB"})
    conversations.append(
        {
            "conversation_id": "c-later",
            "buyer_id": "b-later",
            "seller_id": "s-later",
            "started_at": "2024-06-01T10:00:00Z",
        }
    )
    messages.append(
        {
            "message_id": "m-later",
            "conversation_id": "c-later",
            "sender": "buyer",
            "sent_at": "2024-06-01T10:00:00Z",
            "body": "Is the clock still available?",
        }
    )
    return {
        "sellers": sellers,
        "buyers": buyers,
        "conversations": conversations,
        "messages": messages,
    }


@pytest.mark.parametrize("name", ["paypal", "sortcode"])
def test_a_payout_account_in_a_message_weighs_like_an_iban(
    store: Store, tmp_path: Path, name: str
) -> None:
    load_market(store, _market(), tmp_path, analyse=True)
    rows = store.read(
        "MATCH (f:Flag) WHERE f.flag_id STARTS WITH 'pair:' "
        "RETURN f.flag_id AS id, f.score AS score, f.factors AS factors"
    )
    flags = {r["id"]: r for r in rows}
    iban = flags["pair:b-iban:s-iban"]
    payout = flags.get(f"pair:b-{name}:s-{name}")
    assert payout is not None, f"a {name} payout in a message raised no pair flag"
    signals = {f["signal"]: f for f in json.loads(payout["factors"])}
    assert "pair.contact_by_seller" in signals
    assert "payout" in signals["pair.contact_by_seller"]["reason"]
    iban_signals = {f["signal"]: f for f in json.loads(iban["factors"])}
    contact = signals["pair.contact_by_seller"]["weight"]
    assert contact == pytest.approx(iban_signals["pair.contact_by_seller"]["weight"], abs=1e-9)
