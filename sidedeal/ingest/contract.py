"""The data contract: which files ingest reads, their columns, and the order they load in.

One file per entity, named by the entity (``sellers.csv``, ``messages.jsonl``, ``orders.parquet``).
Entities load in dependency order so that every reference a row makes points at something already in
the graph (loaded by an earlier file of the same run, or by an earlier run).
"""

from __future__ import annotations

from dataclasses import dataclass

from sidedeal.identifiers.registry import contract_names

FORMATS = (".csv", ".jsonl", ".parquet")
SENDER_ROLES = frozenset({"buyer", "seller"})
ACCOUNT_TYPES = frozenset({"buyer", "seller"})
# The ``contacts`` file's kind column: the contract names of the identifier kinds (``website`` for a
# domain, ``payout`` for a payout account or an IBAN...).
CONTACT_KINDS = contract_names()


@dataclass(frozen=True)
class EntitySpec:
    """One contract file: its name, key column, required and optional columns."""

    name: str
    key: str | None
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


ENTITIES: tuple[EntitySpec, ...] = (
    EntitySpec(
        "sellers",
        "seller_id",
        ("seller_id",),
        ("name", "country", "email", "phone", "website", "created_at"),
    ),
    EntitySpec(
        "buyers", "buyer_id", ("buyer_id",), ("name", "country", "email", "phone", "created_at")
    ),
    EntitySpec(
        "listings",
        "listing_id",
        ("listing_id", "seller_id"),
        ("title", "category", "price", "currency", "created_at"),
    ),
    EntitySpec(
        "conversations",
        "conversation_id",
        ("conversation_id", "buyer_id", "seller_id", "started_at"),
        ("listing_id",),
    ),
    EntitySpec(
        "messages",
        "message_id",
        ("message_id", "conversation_id", "sender", "sent_at", "body"),
        (),
    ),
    EntitySpec(
        "orders",
        "order_id",
        ("order_id", "buyer_id", "seller_id", "amount", "currency", "placed_at", "status"),
        ("listing_id", "conversation_id"),
    ),
    EntitySpec(
        "contacts",
        None,
        ("account_type", "account_id", "kind", "value"),
        ("observed_at",),
    ),
)

BY_NAME: dict[str, EntitySpec] = {spec.name: spec for spec in ENTITIES}
