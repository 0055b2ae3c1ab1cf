"""The ASGI entry point for servers (``uvicorn sidedeal.api.main:app``; ``sidedeal serve``)."""

from __future__ import annotations

from sidedeal.api.app import create_app

app = create_app()
