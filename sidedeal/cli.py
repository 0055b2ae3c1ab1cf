"""The ``sidedeal`` command line. Commands stay thin: parse, call a function, present."""

from __future__ import annotations

import sys

import typer

from sidedeal.errors import SidedealError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)


def _fail(error: SidedealError) -> None:
    typer.secho(f"error: {error.message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


@app.command()
def scan() -> None:
    """Scan messages for contact details and off-platform cues: JSONL on stdin, JSONL on stdout.

    Each input line is ``{"id", "text", "country"}``; each output line is ``{"id", "findings"}`` in
    the same order, or ``{"id", "error"}`` for a line that could not be read.
    """
    from sidedeal.ingest.scanner.jsonl import scan_stream

    scan_stream(sys.stdin, sys.stdout)
