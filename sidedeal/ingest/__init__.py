"""Ingest: readers for the data contract, identifier normalisation, the message scanner, loaders."""
