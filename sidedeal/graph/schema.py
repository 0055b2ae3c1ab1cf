"""Schema migrations: constraints on every key of the graph model, indexes on what queries filter by.

Each migration has a stable id and runs once; a ``(:Migration {id})`` node records that it ran and
when. Statements use ``IF NOT EXISTS`` so a migration interrupted half-way can simply run again.
Later features add migrations at the end of :data:`MIGRATIONS`; never edit one that has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from sidedeal.graph.store import Store


@dataclass(frozen=True)
class Migration:
    id: str
    description: str
    statements: tuple[LiteralString, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0001_keys",
        "uniqueness constraints on every node key of the graph model",
        (
            "CREATE CONSTRAINT seller_id IF NOT EXISTS FOR (n:Seller) REQUIRE n.seller_id IS UNIQUE",
            "CREATE CONSTRAINT buyer_id IF NOT EXISTS FOR (n:Buyer) REQUIRE n.buyer_id IS UNIQUE",
            "CREATE CONSTRAINT listing_id IF NOT EXISTS "
            "FOR (n:Listing) REQUIRE n.listing_id IS UNIQUE",
            "CREATE CONSTRAINT conversation_id IF NOT EXISTS "
            "FOR (n:Conversation) REQUIRE n.conversation_id IS UNIQUE",
            "CREATE CONSTRAINT message_id IF NOT EXISTS "
            "FOR (n:Message) REQUIRE n.message_id IS UNIQUE",
            "CREATE CONSTRAINT order_id IF NOT EXISTS FOR (n:Order) REQUIRE n.order_id IS UNIQUE",
            # (kind, value) is folded into one `key` ("phone:+447911123456") so MERGE uses a
            # single-property unique index; kind and value are kept as properties for queries.
            "CREATE CONSTRAINT identifier_key IF NOT EXISTS "
            "FOR (n:Identifier) REQUIRE n.key IS UNIQUE",
            "CREATE CONSTRAINT flag_id IF NOT EXISTS FOR (n:Flag) REQUIRE n.flag_id IS UNIQUE",
            "CREATE CONSTRAINT cluster_id IF NOT EXISTS "
            "FOR (n:Cluster) REQUIRE n.cluster_id IS UNIQUE",
            "CREATE CONSTRAINT run_id IF NOT EXISTS FOR (n:Run) REQUIRE n.run_id IS UNIQUE",
            "CREATE CONSTRAINT case_id IF NOT EXISTS FOR (n:Case) REQUIRE n.case_id IS UNIQUE",
            "CREATE CONSTRAINT notice_id IF NOT EXISTS FOR (n:Notice) REQUIRE n.notice_id IS UNIQUE",
            "CREATE CONSTRAINT recovery_order_id IF NOT EXISTS "
            "FOR (n:RecoveryOrder) REQUIRE n.recovery_order_id IS UNIQUE",
            "CREATE CONSTRAINT audit_event_id IF NOT EXISTS "
            "FOR (n:AuditEvent) REQUIRE n.event_id IS UNIQUE",
            "CREATE CONSTRAINT ingest_run_id IF NOT EXISTS "
            "FOR (n:IngestRun) REQUIRE n.ingest_id IS UNIQUE",
        ),
    ),
    Migration(
        "0002_filter_indexes",
        "indexes on the properties that ingest and analysis filter and sort by",
        (
            "CREATE INDEX identifier_kind IF NOT EXISTS FOR (n:Identifier) ON (n.kind)",
            "CREATE INDEX identifier_value IF NOT EXISTS FOR (n:Identifier) ON (n.value)",
            "CREATE INDEX message_sent_at IF NOT EXISTS FOR (n:Message) ON (n.sent_at)",
            "CREATE INDEX order_placed_at IF NOT EXISTS FOR (n:Order) ON (n.placed_at)",
            # Orders and conversations that arrive before their listing keep its id, so a later
            # listings load can link them.
            "CREATE INDEX order_listing IF NOT EXISTS FOR (n:Order) ON (n.listing_id)",
            "CREATE INDEX conversation_listing IF NOT EXISTS "
            "FOR (n:Conversation) ON (n.listing_id)",
            "CREATE INDEX conversation_started_at IF NOT EXISTS "
            "FOR (n:Conversation) ON (n.started_at)",
            "CREATE INDEX seller_name IF NOT EXISTS FOR (n:Seller) ON (n.name)",
            "CREATE INDEX buyer_name IF NOT EXISTS FOR (n:Buyer) ON (n.name)",
        ),
    ),
    Migration(
        "0003_accounts_and_analysis",
        "one Account label over buyers and sellers (key 'buyer:b1' / 'seller:s1'), and the "
        "analysis's lock, flag and link properties",
        (
            "CREATE CONSTRAINT account_key IF NOT EXISTS "
            "FOR (n:Account) REQUIRE n.account_key IS UNIQUE",
            "MATCH (s:Seller) WHERE s.account_key IS NULL "
            "SET s:Account, s.account_key = 'seller:' + s.seller_id",
            "MATCH (b:Buyer) WHERE b.account_key IS NULL "
            "SET b:Account, b.account_key = 'buyer:' + b.buyer_id",
            "CREATE CONSTRAINT lock_name IF NOT EXISTS FOR (n:Lock) REQUIRE n.name IS UNIQUE",
            "CREATE INDEX flag_status IF NOT EXISTS FOR (n:Flag) ON (n.status)",
            "CREATE INDEX flag_score IF NOT EXISTS FOR (n:Flag) ON (n.score)",
            "CREATE INDEX flag_kind IF NOT EXISTS FOR (n:Flag) ON (n.kind)",
            "CREATE INDEX run_started_at IF NOT EXISTS FOR (n:Run) ON (n.started_at)",
        ),
    ),
    Migration(
        "0004_api",
        "the investigator API: keys, one open case per seller, notices once per (case, step), "
        "idempotent recovery orders, strikes, pair allow-lists, audit and queue indexes",
        (
            "CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.key_id IS UNIQUE",
            # Only an open case carries `open_key` (its seller id): at most one open case per
            # seller, even when two confirmations race.
            "CREATE CONSTRAINT case_open_key IF NOT EXISTS FOR (n:Case) REQUIRE n.open_key IS UNIQUE",
            # `case_id:step`: a retried request can never send the same notice twice.
            "CREATE CONSTRAINT notice_key IF NOT EXISTS FOR (n:Notice) REQUIRE n.notice_key IS UNIQUE",
            "CREATE CONSTRAINT recovery_idempotency IF NOT EXISTS "
            "FOR (n:RecoveryOrder) REQUIRE n.idempotency_key IS UNIQUE",
            "CREATE CONSTRAINT strike_id IF NOT EXISTS FOR (n:Strike) REQUIRE n.strike_id IS UNIQUE",
            "CREATE CONSTRAINT allow_list_flag IF NOT EXISTS "
            "FOR (n:AllowList) REQUIRE n.flag_id IS UNIQUE",
            "CREATE INDEX audit_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at)",
            "CREATE INDEX audit_actor IF NOT EXISTS FOR (n:AuditEvent) ON (n.actor)",
            "CREATE INDEX audit_action IF NOT EXISTS FOR (n:AuditEvent) ON (n.action)",
            "CREATE INDEX flag_assignee IF NOT EXISTS FOR (n:Flag) ON (n.assignee)",
            "CREATE INDEX flag_created_at IF NOT EXISTS FOR (n:Flag) ON (n.created_at)",
            "CREATE INDEX case_seller IF NOT EXISTS FOR (n:Case) ON (n.seller_id)",
            "CREATE INDEX strike_seller IF NOT EXISTS FOR (n:Strike) ON (n.seller_id)",
            "CREATE INDEX recovery_case IF NOT EXISTS FOR (n:RecoveryOrder) ON (n.case_id)",
        ),
    ),
    Migration(
        "0005_incremental_analysis",
        "the change stamps an incremental analysis reads (pairs and identifiers changed since a "
        "run) and the first exchange of each pair (quiet periods crossing the threshold)",
        (
            "CREATE INDEX dealt_with_changed_at IF NOT EXISTS "
            "FOR ()-[d:DEALT_WITH]-() ON (d.changed_at)",
            "CREATE INDEX dealt_with_exchange_at IF NOT EXISTS "
            "FOR ()-[d:DEALT_WITH]-() ON (d.exchange_at)",
            "CREATE INDEX identifier_changed_at IF NOT EXISTS FOR (n:Identifier) ON (n.changed_at)",
        ),
    ),
    Migration(
        "0006_realtime",
        "streamed events' receipts (idempotency by row id); webhooks: endpoints, the outbox of "
        "events, deliveries",
        (
            "CREATE CONSTRAINT event_receipt_key IF NOT EXISTS "
            "FOR (n:EventReceipt) REQUIRE n.key IS UNIQUE",
            "CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (n:Webhook) REQUIRE n.webhook_id IS UNIQUE",
            "CREATE CONSTRAINT outbox_event_id IF NOT EXISTS "
            "FOR (n:OutboxEvent) REQUIRE n.event_id IS UNIQUE",
            "CREATE CONSTRAINT delivery_id IF NOT EXISTS "
            "FOR (n:Delivery) REQUIRE n.delivery_id IS UNIQUE",
            # The dispatcher's question: which pending deliveries are due?
            "CREATE INDEX delivery_due IF NOT EXISTS FOR (n:Delivery) ON (n.status, n.next_attempt_at)",
            "CREATE INDEX delivery_webhook IF NOT EXISTS FOR (n:Delivery) ON (n.webhook_id)",
            "CREATE INDEX webhook_enabled IF NOT EXISTS FOR (n:Webhook) ON (n.enabled)",
        ),
    ),
    Migration(
        "0007_name_search",
        "a full-text index of account names (prefix, fuzzy and ranked name search in one index "
        "seek, where a CONTAINS scan read every account), folding accents so 'helene' finds "
        "'Hélène'",
        (
            "CREATE FULLTEXT INDEX account_names IF NOT EXISTS FOR (n:Account) ON EACH [n.name] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
        ),
    ),
    Migration(
        "0008_learning",
        "the learning loop: weights versions (one per content digest, numbered through a "
        "counter), the active one, the decision dates signals window on; the queue's rank, "
        "money at stake and last evidence",
        (
            "CREATE CONSTRAINT weights_version IF NOT EXISTS "
            "FOR (n:WeightsVersion) REQUIRE n.version IS UNIQUE",
            # Two proposals of the same weights (comments aside) are one version.
            "CREATE CONSTRAINT weights_digest IF NOT EXISTS "
            "FOR (n:WeightsVersion) REQUIRE n.digest IS UNIQUE",
            "CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (n:Counter) REQUIRE n.name IS UNIQUE",
            "CREATE INDEX weights_active IF NOT EXISTS FOR (n:WeightsVersion) ON (n.active)",
            "CREATE INDEX flag_decided_at IF NOT EXISTS FOR (n:Flag) ON (n.decided_at)",
            "CREATE INDEX run_weights_version IF NOT EXISTS FOR (n:Run) ON (n.weights_version)",
            # The queue's new orders (rank, money at stake, most recent conduct) walk these.
            "CREATE INDEX flag_rank IF NOT EXISTS FOR (n:Flag) ON (n.rank)",
            "CREATE INDEX flag_estimated_sales IF NOT EXISTS FOR (n:Flag) ON (n.estimated_sales)",
            "CREATE INDEX flag_last_evidence_at IF NOT EXISTS FOR (n:Flag) ON (n.last_evidence_at)",
        ),
    ),
)


def applied(store: Store) -> set[str]:
    rows = store.read("MATCH (m:Migration) RETURN m.id AS id")
    return {row["id"] for row in rows}


def migrate(store: Store) -> list[str]:
    """Apply every migration not yet recorded, in order; return the ids applied now."""
    done = applied(store)
    ran: list[str] = []
    for migration in MIGRATIONS:
        if migration.id in done:
            continue
        for statement in migration.statements:
            store.write(statement)
        store.write(
            "MERGE (m:Migration {id: $id}) "
            "ON CREATE SET m.applied_at = datetime(), m.description = $description",
            {"id": migration.id, "description": migration.description},
        )
        ran.append(migration.id)
    store.run_autocommit("CALL db.awaitIndexes(300)")
    return ran


def pending(store: Store) -> list[str]:
    """Migrations not applied yet (the API's readiness check wants none)."""
    done = applied(store)
    return [m.id for m in MIGRATIONS if m.id not in done]


def reset(store: Store) -> int:
    """Delete every node and relationship except the migration records; keep the schema.

    Relationships go first, then nodes, each in transactions of 10,000 rows: a DETACH DELETE of
    10,000 nodes would also delete all their relationships in one transaction, and a seller with
    a hundred thousand messages would exhaust the transaction memory pool.
    """
    store.run_autocommit("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS")
    rows = store.run_autocommit(
        "MATCH (n) WHERE NOT n:Migration "
        "CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS "
        "RETURN count(*) AS n"
    )
    return int(rows[0]["n"]) if rows else 0
