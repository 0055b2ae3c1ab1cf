"""The one module that owns the Neo4j driver.

Every Cypher statement in sidedeal runs through a :class:`Store`: query text is a constant written by
a developer, values always travel as parameters (``$name``), never formatted into the text. Results
come back as plain dicts so callers never handle driver records. Connection failures become
:class:`~sidedeal.errors.StoreUnavailable` with a message a person can act on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any, LiteralString, Self

from neo4j import GraphDatabase, ManagedTransaction, Query, Record, RoutingControl, unit_of_work
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    IncompleteCommit,
    ServiceUnavailable,
    SessionExpired,
)

from sidedeal.errors import Conflict, StoreUnavailable
from sidedeal.settings import Settings

Row = dict[str, Any]
Params = Mapping[str, Any]


class Store:
    """A Neo4j database, reached through one driver per process.

    ``read``/``write`` use managed transactions (retried by the driver on transient errors, so the
    statements given must be idempotent, as every sidedeal write is). ``run_autocommit`` exists for
    ``CALL { ... } IN TRANSACTIONS``, which Neo4j only accepts outside a managed transaction.
    """

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        *,
        connection_timeout_s: float = 5.0,
        acquisition_timeout_s: float = 10.0,
        query_timeout_s: float = 600.0,
        retry_s: float = 15.0,
    ) -> None:
        self.uri = uri
        self.database = database
        # Sent with every statement: Neo4j ends a transaction running longer (None: no bound).
        self.query_timeout_s = query_timeout_s or None
        self._retried = 0
        self._lock = threading.Lock()
        self._driver = GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=connection_timeout_s,
            connection_acquisition_timeout=acquisition_timeout_s,
            max_transaction_retry_time=retry_s,
            # Ingest's two writers deadlock now and then on busy accounts; Neo4j resolves it at
            # once, so the retry need not wait the default second (doubling from here up to 15 s
            # still rides out a restart).
            initial_retry_delay=0.05,
            # Schema hints ("label does not exist" on an empty graph) are noise for an operator.
            notifications_min_severity="OFF",
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            connection_timeout_s=settings.neo4j_connection_timeout_s,
            acquisition_timeout_s=settings.neo4j_acquisition_timeout_s,
            query_timeout_s=settings.neo4j_query_timeout_s,
            retry_s=settings.neo4j_retry_s,
        )

    def _query(self, text: LiteralString) -> Query:
        return Query(text, timeout=self.query_timeout_s)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._driver.close()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except AuthError as error:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the credentials: check NEO4J_USER and NEO4J_PASSWORD"
            ) from error
        except ConstraintError as error:
            # A uniqueness constraint refused a write (two writers created the same key).
            raise Conflict(f"the graph refused a duplicate: {error.message}") from error
        except (ServiceUnavailable, SessionExpired, OSError) as error:
            raise StoreUnavailable(
                f"Neo4j does not answer at {self.uri} ({error.__class__.__name__}); "
                "start it with `sidedeal neo4j up` or check NEO4J_URI"
            ) from error

    @property
    def retried(self) -> int:
        """Managed transactions that needed more than one attempt (a deadlock, a leader switch,
        a restart) since this Store was opened: ingest reports how many of its batches did."""
        return self._retried

    def _execute(
        self, query: LiteralString, params: Params | None, routing: RoutingControl
    ) -> list[Record]:
        """One managed (retried) transaction; errors translated as above."""
        attempts = 0
        values = dict(params or {})

        @unit_of_work(timeout=self.query_timeout_s)
        def work(tx: ManagedTransaction) -> list[Record]:
            nonlocal attempts
            attempts += 1
            return list(tx.run(query, values))

        # The bookmark manager execute_query uses: a read sees every write made before it.
        bookmarks = self._driver.execute_query_bookmark_manager
        with (
            self._translated(),
            self._driver.session(database=self.database, bookmark_manager=bookmarks) as session,
        ):
            if routing == RoutingControl.READ:
                records = session.execute_read(work)
            else:
                records = session.execute_write(work)
        if attempts > 1:
            with self._lock:
                self._retried += 1
        return records

    def _read(self, query: LiteralString, params: Params | None) -> list[Record]:
        """A read transaction; one whose commit Neo4j died during (``IncompleteCommit``) is run
        again, since a read changes nothing (the driver, not knowing it was a read, does not)."""
        for attempt in range(3):
            try:
                return self._execute(query, params, RoutingControl.READ)
            except StoreUnavailable as error:
                if not isinstance(error.__cause__, IncompleteCommit) or attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def read(self, query: LiteralString, params: Params | None = None) -> list[Row]:
        """Run a read-only statement and return its rows as dicts."""
        return [record.data() for record in self._read(query, params)]

    def read_plain(self, query: LiteralString, params: Params | None = None) -> list[Row]:
        """Like :meth:`read`, for bulk statements that return only plain values.

        ``record.data()`` walks every nested value to turn nodes and relationships into dicts;
        over a page of 5,000 collected lists that walk cost more than the query. Rows here are
        taken as the driver decoded them: a node or relationship would stay a driver object.
        """
        records = self._read(query, params)
        return [dict(zip(record.keys(), record, strict=True)) for record in records]

    def write(self, query: LiteralString, params: Params | None = None) -> list[Row]:
        """Run a write statement in a managed (retried) transaction and return its rows."""
        return [record.data() for record in self._execute(query, params, RoutingControl.WRITE)]

    def write_idempotent(self, query: LiteralString, params: Params | None = None) -> list[Row]:
        """Like :meth:`write`, for a statement that gives the same graph when it runs twice (an
        ingest batch: MERGE, or CREATE with a MERGE fallback).

        When Neo4j dies during a commit the driver cannot know whether the commit landed
        (``IncompleteCommit``) and, rightly for writes in general, does not retry. A statement
        that may run twice is simply run again, within the driver's own retry window each time,
        so an ingest rides out a restart of Neo4j instead of stopping on it.
        """
        for attempt in range(3):
            try:
                return self.write(query, params)
            except StoreUnavailable as error:
                if not isinstance(error.__cause__, IncompleteCommit) or attempt == 2:
                    raise
                with self._lock:
                    self._retried += 1
        raise AssertionError("unreachable")  # pragma: no cover

    def write_many(self, statements: Sequence[tuple[LiteralString, Params]]) -> list[list[Row]]:
        """Run several write statements in ONE managed transaction: all commit, or none does.

        For a change that takes more than one statement but must never be seen half-done (an
        event's message, its mentions and its pair edge). Later statements see earlier ones'
        writes. The driver retries the whole function on transient errors, so each statement
        must be idempotent, as every sidedeal write is.
        """

        attempts = 0

        @unit_of_work(timeout=self.query_timeout_s)
        def work(tx: ManagedTransaction) -> list[list[Row]]:
            nonlocal attempts
            attempts += 1
            return [[record.data() for record in tx.run(q, dict(p))] for q, p in statements]

        with self._translated(), self._driver.session(database=self.database) as session:
            results = session.execute_write(work)
        if attempts > 1:
            with self._lock:
                self._retried += 1
        return results

    def run_autocommit(self, query: LiteralString, params: Params | None = None) -> list[Row]:
        """Run a statement in an implicit transaction (needed for ``IN TRANSACTIONS``)."""
        with self._translated(), self._driver.session(database=self.database) as session:
            result = session.run(self._query(query), dict(params or {}))
            return [record.data() for record in result]

    def ping(self) -> str:
        """Return the server's version; raise StoreUnavailable when Neo4j does not answer.

        One attempt, no retries: callers (readiness checks, ``neo4j up``'s wait loop) poll.
        """
        rows = self.run_autocommit(
            "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS version, edition"
        )
        return f"{rows[0]['version']} {rows[0]['edition']}"

    def count(self, query: LiteralString, params: Params | None = None) -> int:
        """Run a statement returning one row with one integer column ``n``."""
        rows = self.read(query, params)
        return int(rows[0]["n"]) if rows else 0


__all__ = ["Params", "Row", "Store", "StoreUnavailable"]
