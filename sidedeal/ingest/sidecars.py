"""The files a run writes beside the graph: rows it refused, and message bodies it shortened.

Both are JSONL, opened on first use, named after the run (``<ingest-id>.jsonl`` for rejects,
``<ingest-id>.bodies.jsonl`` for bodies), and named in the run's summary, so nothing a run did not
load as given is lost silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

# Appended to a shortened body, so a reader of the graph (or the explorer) sees it is not whole.
TRUNCATION_MARKER = (
    "\n[... truncated by sidedeal: {total:,} characters in all; the whole body is in the "
    "ingest run's bodies file]"
)


class JsonlFile:
    """Records appended as JSON lines; the file is created at the first record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8")
        self._handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self._handle.flush()
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()

    @property
    def written(self) -> str | None:
        """The path when anything was written, else None (for the summary)."""
        return str(self.path) if self.count else None


class RejectsFile(JsonlFile):
    """The rejects of one run: ``{"file", "line", "reason", "row"}``."""

    def add(self, file: str, line: int, reason: str, row: Any) -> None:
        self.write({"file": file, "line": line, "reason": reason, "row": row})


class BodiesFile(JsonlFile):
    """Message bodies longer than the cap, whole: ``{"file", "line", "message_id", "chars",
    "body"}``. The graph holds the first ``limit`` characters and the marker."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(path)
        self.limit = limit

    def cap(self, file: str, line: int, row: dict[str, Any]) -> dict[str, Any]:
        """The message row to store: as given, or shortened (the whole body kept here first)."""
        body = row.get("body")
        if not isinstance(body, str) or len(body) <= self.limit:
            return row
        self.write(
            {
                "file": file,
                "line": line,
                "message_id": row.get("message_id"),
                "chars": len(body),
                "body": body,
            }
        )
        short = body[: self.limit] + TRUNCATION_MARKER.format(total=len(body))
        return {**row, "body": short, "body_truncated": True, "body_chars": len(body)}
