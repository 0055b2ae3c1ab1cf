"""A small error hierarchy: each error carries the HTTP status it maps to and a message a person can
act on. The CLI prints the message; the API maps the status once, in one place."""

from __future__ import annotations


class SidedealError(Exception):
    """Base error: ``str(error)`` is meant for the person who has to fix the cause."""

    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(SidedealError):
    """Input that breaks the data contract or an API's rules; nothing was written."""

    status = 400


class NotFound(SidedealError):
    status = 404


class Conflict(SidedealError):
    status = 409


class IdempotencyKeyReused(SidedealError):
    """An ``Idempotency-Key`` sent again with a different request: nothing was written (as
    payment APIs do, the first request's key is not silently reused for another)."""

    status = 422


class StoreUnavailable(SidedealError):
    """Neo4j does not answer; the caller may retry later."""

    status = 503
