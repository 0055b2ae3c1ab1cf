"""The graph: the Neo4j connection, schema, queries, link analysis and jobs."""
