"""A small hand-made marketplace in the data contract, for ingest tests."""

from __future__ import annotations

from typing import Any

Rows = list[dict[str, Any]]


def small_market() -> dict[str, Rows]:
    sellers = [
        {
            "seller_id": "s1",
            "name": "Galerie Durand",
            "country": "FR",
            "email": "contact@durand-antiques.fr",
            "phone": "01 42 60 12 34",
            "website": "https://www.durand-antiques.fr/shop",
            "created_at": "2023-01-05T10:00:00Z",
        },
        {
            "seller_id": "s2",
            "name": "Hartley Watches",
            "country": "GB",
            "email": "J.Hartley+shop@Gmail.com",
            "phone": "07911 123456",
            "website": "",
            "created_at": "2022-11-01",
        },
        {
            "seller_id": "s3",
            "name": "Casa Rossi",
            "country": "IT",
            "email": "",
            "phone": "",
            "website": "",
            "created_at": "2024-03-01T09:30:00+01:00",
        },
    ]
    buyers = [
        {
            "buyer_id": "b1",
            "name": "Anna Schmidt",
            "country": "DE",
            "email": "anna.schmidt@web.de",
            "phone": "",
            "created_at": "2023-06-01T00:00:00Z",
        },
        # Carries seller s2's phone, written the international way.
        {
            "buyer_id": "b2",
            "name": "Tom Baker",
            "country": "GB",
            "email": "jhartley@gmail.com",
            "phone": "+44 7911 123456",
            "created_at": "2023-07-01T00:00:00Z",
        },
        {
            "buyer_id": "b3",
            "name": "Lena Vos",
            "country": "NL",
            "email": "",
            "phone": "",
            "created_at": "2024-01-10T00:00:00Z",
        },
    ]
    listings = [
        {
            "listing_id": "l1",
            "seller_id": "s1",
            "title": "Louis XVI commode, circa 1780",
            "category": "antiques",
            "price": "12500",
            "currency": "EUR",
            "created_at": "2024-01-02T00:00:00Z",
        },
        {
            "listing_id": "l2",
            "seller_id": "s2",
            "title": "Rolex Submariner 5513",
            "category": "watches",
            "price": "14,200.00",
            "currency": "GBP",
            "created_at": "2024-01-03T00:00:00Z",
        },
    ]
    conversations = [
        {
            "conversation_id": "c1",
            "buyer_id": "b1",
            "seller_id": "s1",
            "listing_id": "l1",
            "started_at": "2024-02-01T10:00:00Z",
        },
        {
            "conversation_id": "c2",
            "buyer_id": "b2",
            "seller_id": "s2",
            "listing_id": "l2",
            "started_at": "2024-02-03T10:00:00Z",
        },
        {
            "conversation_id": "c3",
            "buyer_id": "b3",
            "seller_id": "s2",
            "listing_id": "",
            "started_at": "2024-02-05T10:00:00Z",
        },
    ]
    messages = [
        {
            "message_id": "m1",
            "conversation_id": "c1",
            "sender": "buyer",
            "sent_at": "2024-02-01T10:00:00Z",
            "body": "Bonjour, what are the dimensions? Is it 120 x 45 x 76 cm?",
        },
        {
            "message_id": "m2",
            "conversation_id": "c1",
            "sender": "seller",
            "sent_at": "2024-02-01T11:00:00Z",
            "body": "Yes, 120 x 45 x 76 cm, circa 1780-1800. Order through the checkout as usual.",
        },
        {
            "message_id": "m3",
            "conversation_id": "c2",
            "sender": "seller",
            "sent_at": "2024-02-03T11:00:00Z",
            "body": "Call me on 07911 234567 and we can do this outside the site to save the commission.",
        },
        {
            "message_id": "m4",
            "conversation_id": "c2",
            "sender": "buyer",
            "sent_at": "2024-02-03T12:00:00Z",
            "body": "Sure, or email me: tom.baker [at] outlook [dot] com",
        },
        {
            "message_id": "m5",
            "conversation_id": "c3",
            "sender": "buyer",
            "sent_at": "2024-02-05T10:00:00",
            "body": "Is the watch still available?",
        },
    ]
    orders = [
        {
            "order_id": "o1",
            "buyer_id": "b1",
            "seller_id": "s1",
            "listing_id": "l1",
            "conversation_id": "c1",
            "amount": "12500.00",
            "currency": "EUR",
            "placed_at": "2024-02-02T09:00:00Z",
            "status": "completed",
        },
        {
            "order_id": "o2",
            "buyer_id": "b1",
            "seller_id": "s1",
            "listing_id": "",
            "conversation_id": "",
            "amount": "800",
            "currency": "eur",
            "placed_at": "2024-03-02T09:00:00Z",
            "status": "Completed",
        },
    ]
    contacts = [
        {
            "account_type": "seller",
            "account_id": "s3",
            "kind": "payout",
            "value": "GB82 WEST 1234 5698 7654 32",
            "observed_at": "2024-03-01T00:00:00Z",
        },
        {
            "account_type": "seller",
            "account_id": "s1",
            "kind": "payout",
            "value": "gb82west12345698765432",
            "observed_at": "",
        },
        {
            "account_type": "buyer",
            "account_id": "b3",
            "kind": "ip",
            "value": " 203.0.113.7 ",
            "observed_at": "",
        },
        {
            "account_type": "buyer",
            "account_id": "b1",
            "kind": "phone",
            "value": "+1-555-6768",
            "observed_at": "",
        },
    ]
    return {
        "sellers": sellers,
        "buyers": buyers,
        "listings": listings,
        "conversations": conversations,
        "messages": messages,
        "orders": orders,
        "contacts": contacts,
    }
