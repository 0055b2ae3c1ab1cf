"""What the investigator API does with the graph: search, profiles, networks, pair evidence, the
flag queue, decisions, cases, enforcement, recovery orders, allow-lists, audit and API keys.

Every function takes the :class:`~sidedeal.graph.store.Store` first and returns pydantic models
(the API's response models reuse them), so the routers in :mod:`sidedeal.api` only parse, call and
present. All Cypher lives here as ``LiteralString`` constants with ``$parameters``.
"""
