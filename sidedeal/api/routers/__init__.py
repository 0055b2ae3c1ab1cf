"""One router per API area; each parses, calls :mod:`sidedeal.graph.investigate`, and presents."""
