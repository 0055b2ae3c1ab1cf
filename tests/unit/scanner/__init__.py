"""Unit tests of the message scanner (pure, no Neo4j)."""
