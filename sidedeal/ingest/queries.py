"""The Cypher that ingest runs: idempotent ``UNWIND $rows ... MERGE`` batches, one per entity, and
the look-ups that check a batch's references against the graph. Executed through
:class:`sidedeal.graph.store.Store` only; values always travel as parameters."""

from __future__ import annotations

from typing import LiteralString

# --- reference look-ups: which of these ids exist, and what a row needs to know about them -------
# Each returns ONE row holding a list of maps: the Python driver's cost per record would otherwise
# take much of the ingesting thread's time (bench/RESULTS.md, "Why the code is shaped so").

EXISTING_SELLERS: LiteralString = (
    "UNWIND $ids AS id MATCH (n:Seller {seller_id: id}) "
    "RETURN collect({id: id, country: n.country}) AS rows"
)
EXISTING_BUYERS: LiteralString = (
    "UNWIND $ids AS id MATCH (n:Buyer {buyer_id: id}) "
    "RETURN collect({id: id, country: n.country}) AS rows"
)
CONVERSATION_PARTIES: LiteralString = """
UNWIND $ids AS id
MATCH (c:Conversation {conversation_id: id})
MATCH (b:Buyer)-[:PARTICIPATES_IN]->(c)<-[:PARTICIPATES_IN]-(s:Seller)
RETURN collect({id: id, buyer_id: b.buyer_id, buyer_country: b.country,
                seller_id: s.seller_id, seller_country: s.country}) AS rows
"""

# --- writes ----------------------------------------------------------------------------------------
# Timestamps travel as ISO-8601 strings (or null) that Neo4j parses with datetime(): the driver's
# own conversion of a Python datetime was most of a row's cost on the client (bench/RESULTS.md).
# `coalesce` keeps what an earlier load stored when a row leaves an optional time out.

MERGE_SELLERS: LiteralString = """
UNWIND $rows AS row
MERGE (s:Seller {seller_id: row.seller_id})
ON CREATE SET s.status = 'active', s.strikes = 0
SET s += row.props, s.created_at = coalesce(datetime(row.created_at), s.created_at),
    s:Account, s.account_key = 'seller:' + row.seller_id
"""

MERGE_BUYERS: LiteralString = """
UNWIND $rows AS row
MERGE (b:Buyer {buyer_id: row.buyer_id})
SET b += row.props, b.created_at = coalesce(datetime(row.created_at), b.created_at),
    b:Account, b.account_key = 'buyer:' + row.buyer_id
"""

# An identifier is one node per (kind, value), shared by every account and message that carries it.
# A new holding edge is stamped, and so is its identifier (`changed_at`): an incremental analysis
# reads what changed since its last run from these stamps and DEALT_WITH's (analysis/changes.py).
LINK_SELLER_IDENTIFIERS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Seller {seller_id: row.account_id})
MERGE (i:Identifier {key: row.key})
ON CREATE SET i.kind = row.kind, i.value = row.value, i.valid = row.valid
MERGE (a)-[r:HAS_IDENTIFIER {source: row.source}]->(i)
ON CREATE SET r.created_at = datetime(), i.changed_at = datetime()
SET r.observed_at = coalesce(datetime(row.observed_at), r.observed_at)
"""

LINK_BUYER_IDENTIFIERS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Buyer {buyer_id: row.account_id})
MERGE (i:Identifier {key: row.key})
ON CREATE SET i.kind = row.kind, i.value = row.value, i.valid = row.valid
MERGE (a)-[r:HAS_IDENTIFIER {source: row.source}]->(i)
ON CREATE SET r.created_at = datetime(), i.changed_at = datetime()
SET r.observed_at = coalesce(datetime(row.observed_at), r.observed_at)
"""

# Orders and conversations that arrived before their listing carry its id; link them now.
MERGE_LISTINGS: LiteralString = """
UNWIND $rows AS row
MATCH (s:Seller {seller_id: row.seller_id})
MERGE (l:Listing {listing_id: row.listing_id})
SET l += row.props
MERGE (s)-[:LISTS]->(l)
WITH l
CALL (l) {
  MATCH (o:Order {listing_id: l.listing_id})
  MERGE (o)-[:FOR]->(l)
}
CALL (l) {
  MATCH (c:Conversation {listing_id: l.listing_id})
  MERGE (c)-[:ABOUT]->(l)
}
"""

MERGE_CONVERSATIONS: LiteralString = """
UNWIND $rows AS row
MATCH (b:Buyer {buyer_id: row.buyer_id})
MATCH (s:Seller {seller_id: row.seller_id})
MERGE (c:Conversation {conversation_id: row.conversation_id})
SET c += row.props, c.started_at = coalesce(datetime(row.started_at), c.started_at)
MERGE (b)-[:PARTICIPATES_IN]->(c)
MERGE (s)-[:PARTICIPATES_IN]->(c)
WITH c, row
WHERE row.listing_id IS NOT NULL
MATCH (l:Listing {listing_id: row.listing_id})
MERGE (c)-[:ABOUT]->(l)
"""

EXISTING_MESSAGES: LiteralString = (
    "UNWIND $ids AS id MATCH (m:Message {message_id: id}) RETURN collect({id: id}) AS rows"
)

# Messages not in the graph yet are CREATEd with their edges: no MERGE checks or locks, markedly
# faster (bench/RESULTS.md). Should another writer have created one meanwhile (or the batch repeat an id), the
# uniqueness constraint refuses the whole batch and the loader runs MERGE_MESSAGES instead.
CREATE_MESSAGES: LiteralString = """
UNWIND $rows AS row
MATCH (c:Conversation {conversation_id: row.conversation_id})
MATCH (a:Account {account_key: row.sender_key})
CREATE (m:Message {message_id: row.message_id, sent_at: datetime(row.sent_at),
                   sender: row.sender, body: row.body, finding_count: row.finding_count,
                   contact_count: row.contact_count, cue_count: row.cue_count, cues: row.cues,
                   findings: row.findings, findings_capped: row.findings_capped,
                   findings_total: row.findings_total, body_truncated: row.body_truncated,
                   body_chars: row.body_chars})
CREATE (m)-[:IN]->(c)
CREATE (m)-[:SENT_BY]->(a)
"""

# The sender is found by its Account key ('buyer:b1'), which the loader knows from the
# conversation's parties: one index seek instead of filtering the conversation's participants.
MERGE_MESSAGES: LiteralString = """
UNWIND $rows AS row
MATCH (c:Conversation {conversation_id: row.conversation_id})
MATCH (a:Account {account_key: row.sender_key})
MERGE (m:Message {message_id: row.message_id})
SET m.sent_at = datetime(row.sent_at), m.sender = row.sender, m.body = row.body,
    m.finding_count = row.finding_count, m.contact_count = row.contact_count,
    m.cue_count = row.cue_count, m.cues = row.cues, m.findings = row.findings,
    m.findings_capped = row.findings_capped, m.findings_total = row.findings_total,
    m.body_truncated = row.body_truncated, m.body_chars = row.body_chars
MERGE (m)-[:IN]->(c)
MERGE (m)-[:SENT_BY]->(a)
WITH m
CALL (m) {
  // A re-ingested message is scanned again: drop the earlier scan's spans first, so an improved
  // scanner never leaves stale evidence behind (MERGE_MENTIONS writes the new ones).
  MATCH (m)-[r:MENTIONS]->()
  DELETE r
}
"""

MERGE_MENTIONS: LiteralString = """
UNWIND $rows AS row
MATCH (m:Message {message_id: row.message_id})
MERGE (i:Identifier {key: row.key})
ON CREATE SET i.kind = row.kind, i.value = row.value, i.valid = row.valid
MERGE (m)-[r:MENTIONS {start: row.start}]->(i)
SET r.end = row.end, r.rule = row.rule, r.confidence = row.confidence
WITH m, i
MATCH (m)-[:SENT_BY]->(a)
MERGE (a)-[h:HAS_IDENTIFIER {source: 'message'}]->(i)
ON CREATE SET h.created_at = datetime(), i.changed_at = datetime()
"""

MERGE_ORDERS: LiteralString = """
UNWIND $rows AS row
MATCH (b:Buyer {buyer_id: row.buyer_id})
MATCH (s:Seller {seller_id: row.seller_id})
MERGE (o:Order {order_id: row.order_id})
SET o += row.props, o.placed_at = coalesce(datetime(row.placed_at), o.placed_at)
MERGE (b)-[:PLACED]->(o)
MERGE (o)-[:SOLD_BY]->(s)
WITH o, row
WHERE row.listing_id IS NOT NULL
MATCH (l:Listing {listing_id: row.listing_id})
MERGE (o)-[:FOR]->(l)
"""

# The derived pair edge is recomputed from the graph for every pair a load touched (never
# incremented), so loading twice, or again after an interrupted run, gives the same figures.
# `changed_at` tells the next incremental analysis to score the pair again.
DERIVE_DEALT_WITH: LiteralString = """
UNWIND $pairs AS p
MATCH (b:Buyer {buyer_id: p.buyer_id})
MATCH (s:Seller {seller_id: p.seller_id})
CALL (b, s) {
  OPTIONAL MATCH (b)-[:PARTICIPATES_IN]->(c:Conversation)<-[:PARTICIPATES_IN]-(s)
  OPTIONAL MATCH (m:Message)-[:IN]->(c)
  RETURN count(DISTINCT c) AS conversations, count(m) AS messages,
         sum(coalesce(m.finding_count, 0)) AS findings,
         sum(coalesce(m.contact_count, 0)) AS contact_findings,
         sum(coalesce(m.cue_count, 0)) AS cue_findings,
         sum(CASE WHEN m.sender = 'buyer' THEN coalesce(m.finding_count, 0) ELSE 0 END)
           AS buyer_findings,
         sum(CASE WHEN m.sender = 'seller' THEN coalesce(m.finding_count, 0) ELSE 0 END)
           AS seller_findings,
         min(c.started_at) AS c_first, max(c.started_at) AS c_last,
         min(m.sent_at) AS m_first, max(m.sent_at) AS m_last
}
CALL (b, s) {
  OPTIONAL MATCH (b)-[:PLACED]->(o:Order)-[:SOLD_BY]->(s)
  RETURN count(o) AS orders, sum(coalesce(o.amount, 0.0)) AS order_value,
         min(o.placed_at) AS o_first, max(o.placed_at) AS o_last
}
WITH b, s, conversations, messages, findings, contact_findings, cue_findings, buyer_findings,
     seller_findings, orders, order_value,
     [t IN [c_first, m_first, o_first] WHERE t IS NOT NULL] AS firsts,
     [t IN [c_last, m_last, o_last] WHERE t IS NOT NULL] AS lasts
WHERE conversations > 0 OR orders > 0
MERGE (b)-[d:DEALT_WITH]->(s)
SET d.conversations = conversations, d.messages = messages, d.orders = orders,
    d.order_value = order_value, d.findings = findings, d.contact_findings = contact_findings,
    d.cue_findings = cue_findings, d.buyer_findings = buyer_findings,
    d.seller_findings = seller_findings,
    d.first_at = reduce(x = head(firsts), t IN firsts | CASE WHEN t < x THEN t ELSE x END),
    d.last_at = reduce(x = head(lasts), t IN lasts | CASE WHEN t > x THEN t ELSE x END),
    d.changed_at = datetime()
RETURN count(d) AS n
"""

START_INGEST: LiteralString = """
MERGE (r:IngestRun {ingest_id: $ingest_id})
SET r.started_at = datetime(), r.directory = $directory, r.status = 'running',
    r.rejects_path = $rejects_path, r.host = $host, r.pid = $pid, r.heartbeat_at = datetime()
"""

FINISH_INGEST: LiteralString = """
MATCH (r:IngestRun {ingest_id: $ingest_id})
SET r.finished_at = datetime(), r.status = $status, r.summary = $summary
"""
