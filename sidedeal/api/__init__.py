"""The investigator HTTP API (FastAPI): ``create_app()`` builds it, ``sidedeal serve`` runs it.

Routers (one per area, in ``routers/``) parse, call :mod:`sidedeal.casework`, and present;
authentication, masking and audit of reads are in ``deps.py``; errors map to HTTP once, in
``errors.py``.
"""
