"""sidedeal: find and act on off-platform sales in a marketplace's messages and account graph.

(The command line stays thin: each command parses, calls a function, and presents.)
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sidedeal.errors import SidedealError
from sidedeal.settings import Settings, get_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
neo4j_app = typer.Typer(no_args_is_help=True, help="Start, stop and inspect the local Neo4j.")
db_app = typer.Typer(no_args_is_help=True, help="Schema migrations and resets.")
demo_app = typer.Typer(no_args_is_help=True, help="Synthetic marketplace data with labels.")
flags_app = typer.Typer(no_args_is_help=True, help="Flags raised by the analysis.")
keys_app = typer.Typer(no_args_is_help=True, help="API keys for the HTTP API.")
webhooks_app = typer.Typer(no_args_is_help=True, help="Webhook deliveries to other tools.")
weights_app = typer.Typer(no_args_is_help=True, help="Versions of the analysis weights.")
app.add_typer(weights_app, name="weights")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(flags_app, name="flags")
app.add_typer(keys_app, name="keys")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")

console = Console(stderr=True)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as error:  # pydantic's message names the variable at fault
        console.print(f"[red]error:[/red] bad setting: {error}")
        raise typer.Exit(code=2) from None


@contextmanager
def _errors() -> Iterator[None]:
    """Print sidedeal errors as one actionable line (no traceback) and exit non-zero."""
    try:
        yield
    except SidedealError as error:
        console.print(f"[red]error:[/red] {error.message}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None


def _driver_logs(verbose: bool) -> None:
    """The Neo4j driver's own log lines (a retry, a lost connection) only at ``--verbose``: the
    user sees sidedeal's one clear line instead of dozens of the driver's."""
    driver = logging.getLogger("neo4j")
    driver.propagate = False
    driver.handlers.clear()
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        driver.addHandler(handler)
        driver.setLevel(logging.DEBUG)
    else:
        driver.addHandler(logging.NullHandler())
        driver.setLevel(logging.CRITICAL)


def _store(settings: Settings, verbose: bool = False) -> Any:
    from sidedeal.graph.store import Store

    _driver_logs(verbose)
    return Store.from_settings(settings)


# --- neo4j ---------------------------------------------------------------------------------------


@neo4j_app.command("up")
def neo4j_up() -> None:
    """Start Neo4j (Docker if an engine answers, else the local launcher); wait until it answers."""
    from sidedeal.graph import server
    from sidedeal.graph.memory import MemoryPlan

    settings = _settings()
    with _errors(), console.status("Starting Neo4j (the first start builds the launcher)..."):
        state = server.up(settings)
    console.print(f"Neo4j {state.version} answers at {state.uri} ({state.runtime or 'external'})")
    if state.memory:
        console.print(f"memory: {MemoryPlan(**state.memory).describe()}")
    from sidedeal.ingest.runs import mark_abandoned

    with _errors(), _store(settings) as store:
        for run in mark_abandoned(store, settings.ingest_stale_after_s):
            console.print(f"[yellow]warning:[/yellow] {run.advice}", soft_wrap=True)


@neo4j_app.command("down")
def neo4j_down() -> None:
    """Stop the Neo4j that `neo4j up` started for this data directory."""
    from sidedeal.graph import server

    with _errors():
        stopped = server.down(_settings())
    console.print("Neo4j stopped" if stopped else "No Neo4j started by sidedeal was running")


@neo4j_app.command("status")
def neo4j_status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Say whether Neo4j answers, where, which runtime started it, and the memory it got."""
    from sidedeal.graph import server
    from sidedeal.graph.memory import MemoryPlan

    state = server.status(_settings())
    if as_json:
        typer.echo(json.dumps(state.as_dict()))
    elif state.running:
        console.print(f"running: Neo4j {state.version} at {state.uri} (pid {state.pid})")
        if state.memory:
            console.print(f"memory: {MemoryPlan(**state.memory).describe()}")
    else:
        console.print(f"not running at {state.uri}: {state.detail}")
    raise typer.Exit(code=0 if state.running else 3)


# --- db --------------------------------------------------------------------------------------------


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply pending schema migrations (constraints and indexes); safe to run again."""
    from sidedeal.graph import schema

    with _errors(), _store(_settings()) as store:
        ran = schema.migrate(store)
    console.print(f"applied: {', '.join(ran)}" if ran else "schema is up to date")


@db_app.command("reset")
def db_reset(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete all data.")] = False,
) -> None:
    """Delete every node and relationship; the schema and its migration records stay."""
    from sidedeal.graph import schema

    if not yes:
        console.print("[red]error:[/red] this deletes the whole graph; add --yes to confirm")
        raise typer.Exit(code=2)
    with _errors(), _store(_settings()) as store:
        deleted = schema.reset(store)
    console.print(f"deleted {deleted} nodes")


# --- ingest and scan -------------------------------------------------------------------------------


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int | None], None] | None]:
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, Any] = {}

        def update(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done)

        yield update


@contextmanager
def _resume_hint(directory: Path) -> Iterator[None]:
    """A run that stopped half-way says, in its one error line, how to finish it."""
    hint = f"run `sidedeal ingest {directory}` again to finish it (loading is idempotent)"
    try:
        yield
    except SidedealError as error:
        if error.status < 500:
            raise  # bad input: nothing was written, nothing to resume
        raise type(error)(f"{error.message}; the ingest stopped before the end: {hint}") from error
    except KeyboardInterrupt:
        console.print(f"interrupted: {hint}", soft_wrap=True, highlight=False)
        raise typer.Exit(code=130) from None


@app.command()
def ingest(
    directory: Annotated[
        Path, typer.Argument(help="Folder of contract files (CSV/JSONL/Parquet).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    batch_size: Annotated[int | None, typer.Option(help="Rows per write transaction.")] = None,
    rejects_dir: Annotated[Path | None, typer.Option(help="Where rejected rows go.")] = None,
    no_scan: Annotated[bool, typer.Option("--no-scan", help="Do not scan message text.")] = False,
    encoding: Annotated[
        str, typer.Option(help="Text encoding of CSV/JSONL files (utf-8, latin-1, cp1252...).")
    ] = "utf-8",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show the Neo4j driver's log lines.")
    ] = False,
) -> None:
    """Load a directory of contract files into the graph; bad rows go to a rejects file."""
    from sidedeal.ingest.loaders import default_scanner
    from sidedeal.ingest.pipeline import ingest as run_ingest
    from sidedeal.ingest.readers import check_encoding

    settings = _settings()
    scanner = None if no_scan else default_scanner(list(settings.platform_domains))
    with _errors():
        codec = check_encoding(encoding)
    with (
        _errors(),
        _store(settings, verbose) as store,
        _progress(not as_json and sys.stderr.isatty()) as bar,
    ):
        store.ping()  # one attempt: a Neo4j that is down is one clear line at once
        with _resume_hint(directory):
            summary = run_ingest(
                store,
                directory,
                batch_size=batch_size or settings.ingest_batch_size,
                rejects_dir=rejects_dir or settings.data_dir / "rejects",
                scanner=scanner,
                progress=bar,
                encoding=codec,
                max_findings=settings.scan_max_findings,
                max_body_chars=settings.max_body_chars,
                heartbeat_s=settings.ingest_heartbeat_s,
                stale_after_s=settings.ingest_stale_after_s,
            )
    for advice in summary.abandoned:
        console.print(f"[yellow]warning:[/yellow] {advice}", soft_wrap=True)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), indent=2))
        return
    table = Table(title=f"ingest {summary.ingest_id}")
    for column in ("file", "read", "loaded", "rejected", "rows/s"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for f in summary.files:
        table.add_row(
            f.file, str(f.read), str(f.loaded), str(f.rejected), f"{f.rows_per_second:,.0f}"
        )
    Console().print(table)
    for warning in summary.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if summary.retried_batches:
        console.print(f"{summary.retried_batches} write batches retried (Neo4j asked; all loaded)")
    if summary.bodies_path:
        console.print(
            f"{summary.bodies_truncated} message bodies over {settings.max_body_chars:,} "
            f"characters stored shortened; whole in {summary.bodies_path}"
        )
    console.print(
        f"{summary.loaded} rows loaded, {summary.rejected} rejected"
        + (f" (see {summary.rejects_path})" if summary.rejects_path else "")
        + f"; {summary.findings} findings in messages, {summary.identifier_links} identifier links, "
        f"{summary.pairs_updated} buyer-seller pairs updated in {summary.seconds:.1f}s"
    )


@app.command()
def scan() -> None:
    """Scan messages for contact details and off-platform cues: JSONL on stdin, JSONL on stdout.

    Each input line is ``{"id", "text", "country"}``; each output line is ``{"id", "findings"}`` in
    the same order, or ``{"id", "error"}`` for a line that could not be read.
    """
    from sidedeal.scanner.jsonl import scan_stream

    scan_stream(sys.stdin, sys.stdout, platform_domains=list(_settings().platform_domains))


# --- demo ----------------------------------------------------------------------------------------


@demo_app.command("generate")
def demo_generate(
    outdir: Annotated[Path, typer.Argument(help="Folder to write the contract files into.")],
    scale: Annotated[float, typer.Option(help="1 is about 10k conversations.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 7,
    fmt: Annotated[str, typer.Option("--format", help="mixed, csv, jsonl or parquet.")] = "mixed",
) -> None:
    """Write a synthetic marketplace with planted, labelled off-platform behaviour and decoys."""
    from sidedeal.demo import generate
    from sidedeal.demo.writers import FORMATS

    if fmt not in FORMATS:
        console.print(
            f"[red]error:[/red] --format must be mixed, csv, jsonl or parquet, not {fmt!r}"
        )
        raise typer.Exit(code=2)
    if scale <= 0:
        console.print("[red]error:[/red] --scale must be positive")
        raise typer.Exit(code=2)
    with console.status(f"Generating scale {scale} (seed {seed}) into {outdir}..."):
        summary = generate(outdir, scale=scale, seed=seed, fmt=FORMATS[fmt])
    console.print(f"wrote {outdir}: {summary}")


# --- analysis --------------------------------------------------------------------------------------


def _weights(settings: Settings, store: Any) -> Any:
    """The active weights version in the graph (seeded from the weights file when none is)."""
    from sidedeal.casework.weights import active_weights

    return active_weights(store, settings.weights_file)


@app.command()
def analyze(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Score everything again, not only what changed.")
    ] = False,
) -> None:
    """Run the link analysis once (what changed since the last run, or everything with --full):
    links, pair/seller/cluster scores, flags; print a summary."""
    from sidedeal.analysis.run import analyze as run_analysis

    settings = _settings()
    with _errors(), _store(settings) as store, console.status("Analysing the graph..."):
        summary = run_analysis(store, _weights(settings, store), full=full)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), indent=2))
        return
    console.print(_run_line(summary))


def _run_line(summary: Any) -> str:
    counts = summary.counts
    flags = counts.get("flags", {})
    mode = summary.mode + (f" ({summary.reason})" if summary.reason else "")
    if summary.mode == "full":
        scope = f"{counts.get('links', 0)} account links, {counts.get('clusters', 0)} clusters"
    else:
        scope = (
            f"{counts.get('pairs_rescored', 0)} pairs, {counts.get('sellers_rescored', 0)} "
            f"sellers, {counts.get('clusters_regrouped', 0)} clusters scored again"
        )
    return (
        f"run {summary.run_id} {mode} {summary.status} with weights "
        f"{summary.weights_version or '(unversioned)'} in {summary.seconds:.1f}s (data as of "
        f"{summary.as_of}): {scope}, {flags.get('raised', 0)} flags ({flags.get('by_kind', {})}), "
        f"{flags.get('new', 0)} new, {flags.get('alerted', 0)} alerting, "
        f"{flags.get('cleared', 0)} cleared"
    )


@app.command()
def worker(
    every: Annotated[str, typer.Option(help="Period between runs: 90s, 15m, 1h, 1d.")] = "1h",
    full_every: Annotated[
        str, typer.Option(help="A full run when the last one is this old (others: incremental).")
    ] = "1d",
    max_runs: Annotated[int | None, typer.Option(help="Stop after this many runs.")] = None,
) -> None:
    """Run the analysis periodically (incremental, and in full on a schedule of its own);
    survives Neo4j restarts; stops cleanly on SIGTERM."""
    import logging

    from sidedeal.analysis.record import full_due
    from sidedeal.analysis.run import analyze as run_analysis
    from sidedeal.analysis.worker import Worker, parse_period

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    try:
        period = parse_period(every)
        full_period = parse_period(full_every)
    except ValueError as error:
        console.print(f"[red]error:[/red] --every / --full-every: {error}")
        raise typer.Exit(code=2) from None
    import threading

    from sidedeal.casework.dispatch import Dispatcher

    settings = _settings()
    with _store(settings) as store:

        def once() -> str:
            # The schedule is read from the graph (the last full run), so a restart keeps it;
            # so are the weights (the active version), so an activation needs no restart.
            full = full_due(store, full_period)
            weights = _weights(settings, store)
            return _run_line(run_analysis(store, weights, full=full, trigger="worker"))

        runner = Worker(once, period, max_runs=max_runs)
        runner.install_signal_handlers()
        # Webhooks go out every few seconds beside the (hourly) analysis, and stop with it.
        dispatcher = Dispatcher(store, settings)
        sender = threading.Thread(
            target=dispatcher.run, args=(runner.stop,), name="webhook-dispatcher", daemon=True
        )
        sender.start()
        try:
            runner.loop()
        finally:
            runner.stop.set()
            sender.join(timeout=settings.webhook_timeout_s + 5)
            dispatcher.close()


@flags_app.command("export")
def flags_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default stdout).")
    ] = None,
    status: Annotated[str | None, typer.Option(help="Only flags with this status.")] = None,
    min_score: Annotated[float, typer.Option(help="Only flags scoring at least this.")] = 0.0,
) -> None:
    """Write flags as JSONL, highest score first."""
    from typing import get_args

    from sidedeal.casework.export import write_jsonl
    from sidedeal.casework.flags import FlagStatus

    statuses = [s for s in get_args(FlagStatus) if s == status]
    if status is not None and not statuses:
        console.print(
            f"[red]error:[/red] --status must be one of {', '.join(get_args(FlagStatus))}, "
            f"not {status!r}"
        )
        raise typer.Exit(code=2)
    settings = _settings()
    filters = {
        "statuses": statuses or None,
        "min_score": min_score,
        "include_suppressed": True,
        "commission_rate": settings.commission_rate,
    }
    with _errors(), _store(settings) as store:
        if output is None:
            count = write_jsonl(store, sys.stdout, **filters)
        else:
            with output.open("w", encoding="utf-8") as handle:
                count = write_jsonl(store, handle, **filters)
    console.print(f"{count} flags exported" + (f" to {output}" if output else ""))


@webhooks_app.command("dispatch")
def webhooks_dispatch(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Send the webhook deliveries that are due, once (the worker does this every few seconds)."""
    from dataclasses import asdict

    from sidedeal.casework.dispatch import Dispatcher

    settings = _settings()
    with _errors(), _store(settings) as store:
        dispatcher = Dispatcher(store, settings)
        try:
            summary = dispatcher.dispatch_once()
        finally:
            dispatcher.close()
    if as_json:
        typer.echo(json.dumps(asdict(summary)))
        return
    console.print(
        f"{summary.claimed} due: {summary.delivered} delivered, {summary.failed_attempts} failed "
        f"({summary.given_up} given up after the retry window)"
        + (f"; disabled {', '.join(summary.disabled)}" if summary.disabled else "")
    )


# --- the learning loop ---------------------------------------------------------------------------


def _cli_actor(command: str) -> Any:
    from sidedeal.casework.common import Actor

    return Actor(key_id="cli", name=f"sidedeal {command}", role="admin", request_id="cli")


@app.command()
def signals(
    since: Annotated[
        str | None, typer.Option(help="Only flags raised or decided since (ISO date or time).")
    ] = None,
    version: Annotated[
        str | None, typer.Option("--weights", help="Only flags of this weights version.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (a list).")] = False,
) -> None:
    """Precision per factor from investigators' decisions, per weights version (95% Wilson
    interval, median time to a decision)."""
    from datetime import UTC, datetime

    from sidedeal.casework.signals import signals as figures

    try:
        start = datetime.fromisoformat(since) if since else None
    except ValueError:
        console.print(f"[red]error:[/red] --since must be an ISO date or time, not {since!r}")
        raise typer.Exit(code=2) from None
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    with _errors(), _store(_settings()) as store:
        rows = figures(store, since=start, version=version)
    if as_json:
        typer.echo(json.dumps([r.model_dump() for r in rows], indent=2))
        return
    table = Table("version", "signal", "flags", "top", "decided", "conf", "dism", "precision")
    for r in rows:
        shown = "-"
        if r.precision is not None:
            shown = f"{r.precision:.2f} [{r.precision_low:.2f}, {r.precision_high:.2f}]"
        table.add_row(
            r.weights_version or "-",
            r.signal,
            str(r.flags),
            str(r.top),
            str(r.decided),
            str(r.confirmed),
            str(r.dismissed),
            shown,
        )
    Console(width=140).print(table)


@weights_app.command("list")
def weights_list() -> None:
    """Every weights version, newest first; * marks the active one."""
    from sidedeal.casework import weights as versions

    settings = _settings()
    with _errors(), _store(settings) as store:
        versions.active(store, settings.weights_file)
        for v in versions.list_versions(store):
            mark = "*" if v.active else " "
            typer.echo(
                f"{mark} {v.version:<5} {v.digest}  {v.created_at:%Y-%m-%d %H:%M}  {v.author}  "
                f"{v.runs} runs  {v.note or ''}"
            )


@weights_app.command("show")
def weights_show(version: Annotated[str, typer.Argument(help="A version (v1, v2...).")]) -> None:
    """Print a version's TOML."""
    from sidedeal.casework import weights as versions

    with _errors(), _store(_settings()) as store:
        typer.echo(versions.get(store, version).content or "", nl=False)


@weights_app.command("propose")
def weights_propose(
    file: Annotated[Path, typer.Argument(help="A TOML like sidedeal/analysis/weights.toml.")],
    note: Annotated[str | None, typer.Option(help="What changes and why.")] = None,
    author: Annotated[str | None, typer.Option(help="Who proposes it (default: you).")] = None,
) -> None:
    """Store a weights file as a new, inactive version (backtest it, then activate it)."""
    import getpass

    from sidedeal.casework import weights as versions

    settings = _settings()
    with _errors(), _store(settings) as store:
        versions.active(store, settings.weights_file)
        content, _ = versions.seed_text(file)
        who = author or getpass.getuser()
        done = versions.propose(store, content, who, note, _cli_actor("weights propose"))
    state = "stored as" if done.created else "same weights as the existing"
    typer.echo(f"{state} {done.version.version} ({done.version.digest})")


@weights_app.command("activate")
def weights_activate(
    version: Annotated[str, typer.Argument(help="A version (v1, v2...).")],
    note: Annotated[str, typer.Option(help="Why these weights go live (audited).")],
) -> None:
    """Make a version the active weights; the next analysis run uses them (in full)."""
    from sidedeal.casework import weights as versions

    settings = _settings()
    with _errors(), _store(settings) as store:
        versions.active(store, settings.weights_file)
        done = versions.activate(store, version, note, _cli_actor("weights activate"))
    was = ", ".join(done.previous) or "none"
    typer.echo(f"{done.version.version} is active (was {was})")


@app.command()
def backtest(
    weights: Annotated[str, typer.Option("--weights", help="A version (v2) or a TOML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score the current graph with candidate weights beside the active ones, writing nothing:
    flags raised / cleared / unchanged, top-50 overlap, decided flags lost or still raised."""
    from sidedeal.casework import weights as versions

    settings = _settings()
    with _errors(), _store(settings) as store, console.status("Backtesting..."):
        name, candidate = versions.candidate(store, weights)
        report = versions.run_backtest(store, name, candidate, settings.weights_file)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    d = report.decided
    typer.echo(
        f"{report.candidate} against active {report.active} ({report.seconds:.1f}s):\n"
        f"  raised {report.raised}\n  cleared {report.cleared}\n  unchanged {report.unchanged}\n"
        f"  top {report.top_size}: {report.top_overlap} in both\n"
        f"  decided: {d['confirmed']} confirmed, {d['dismissed']} dismissed; "
        f"confirmed lost {len(d['confirmed_lost'])}, dismissed still raised "
        f"{len(d['dismissed_still_raised'])}\n"
        f"  precision / recall from decisions: active {d['active']['precision']} / "
        f"{d['active']['recall']}, candidate {d['candidate']['precision']} / "
        f"{d['candidate']['recall']}"
    )


@app.command()
def tune(
    out: Annotated[Path, typer.Option("--out", help="Where to write the candidate weights TOML.")],
    min_decisions: Annotated[
        int, typer.Option(help="Refuse below this many confirmed or dismissed decisions.")
    ] = 50,
    folds: Annotated[int, typer.Option(help="Cross-validation folds (stratified).")] = 5,
    k: Annotated[int, typer.Option("--k", help="Precision at k, out of fold.")] = 20,
    min_per_factor: Annotated[
        int, typer.Option(help="A weight carried by fewer decisions keeps its active value.")
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Fit the factor weights to the decisions (noisy-OR maximum likelihood), cross-validated
    beside the active weights; writes a candidate file and activates nothing."""
    from sidedeal.casework.tuning import tune as fit

    settings = _settings()
    with _errors(), _store(settings) as store, console.status("Tuning..."):
        report, text = fit(
            store, min_decisions=min_decisions, folds=folds, k=k, min_per_factor=min_per_factor
        )
    out.write_text(text, encoding="utf-8")
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    cv = report.cross_validation
    typer.echo(
        f"{report.decisions} decisions ({report.confirmed} confirmed, {report.dismissed} "
        f"dismissed, {report.unsure_left_out} unsure left out), {report.folds}-fold CV:\n"
        f"  AUC            active {report.active_version} {cv['active'].auc:.3f}   "
        f"candidate {cv['candidate'].auc:.3f}\n"
        f"  precision@{report.k:<4} active {report.active_version} "
        f"{cv['active'].precision_at_k:.3f}   candidate {cv['candidate'].precision_at_k:.3f}"
    )
    for w in report.weights:
        if w.decisions:
            note = " (kept: too few decisions)" if w.kept_active else ""
            typer.echo(
                f"  {w.key:<42} {w.active:.3f} -> {w.candidate:.3f}  {w.decisions} decisions{note}"
            )
    if report.at_bound:
        typer.echo(
            f"at the upper bound ({', '.join(report.at_bound)}): not told apart from the "
            "factors they come with; each would raise a flag alone, see the backtest's raised"
        )
    if not report.better:
        typer.echo(
            "the candidate does not beat the active weights under cross-validation: "
            "more decisions (dismissed ones especially) are needed before proposing it"
        )
    typer.echo(
        f"wrote {out}; weights no decision carries keep their active value. Next: "
        f"`sidedeal weights propose {out}` then `sidedeal backtest --weights <version>`"
    )


# --- the HTTP API ----------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default SIDEDEAL_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default SIDEDEAL_API_PORT).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the investigator HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    settings = _settings()
    uvicorn.run(
        "sidedeal.api.main:app",
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
        log_level="info",
    )


@app.command()
def dashboard(
    port: Annotated[
        int | None, typer.Option(help="Port (default SIDEDEAL_DASHBOARD_PORT).")
    ] = None,
    host: Annotated[
        str | None, typer.Option(help="Interface (default SIDEDEAL_DASHBOARD_HOST).")
    ] = None,
) -> None:
    """Serve the investigator explorer (Streamlit), a client of the API at
    SIDEDEAL_DASHBOARD_API_URL with the key in SIDEDEAL_DASHBOARD_API_KEY or its key file."""
    import os

    from sidedeal.dashboard import APP

    settings = _settings()
    args = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port or settings.dashboard_port),
        "--server.address", host or settings.dashboard_host,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    # Replace this process, so a signal to it (run.sh's trap, docker stop) reaches Streamlit.
    os.execv(sys.executable, args)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="admin, investigator, viewer or service.")],
    name: Annotated[str | None, typer.Option(help="Who or what uses the key.")] = None,
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from sidedeal.casework.common import ROLES, Actor
    from sidedeal.casework.keys import create_key

    if role not in ROLES:
        console.print(f"[red]error:[/red] --role must be one of {', '.join(ROLES)}, not {role!r}")
        raise typer.Exit(code=2)
    actor = Actor(key_id="cli", name="sidedeal keys create", role="admin", request_id="cli")
    with _errors(), _store(_settings()) as store:
        created = create_key(store, role, name or f"{role} key", actor)
    console.print(f"created {created.role} key {created.key_id} ({created.name}); keep it now:")
    typer.echo(created.key)


@keys_app.command("ensure")
def keys_ensure(
    file: Annotated[Path, typer.Option(help="Where the key is kept (created mode 0600).")],
    role: Annotated[
        str, typer.Option(help="admin, investigator, viewer or service.")
    ] = "investigator",
    name: Annotated[str | None, typer.Option(help="Who or what uses the key.")] = None,
) -> None:
    """Keep a working key in FILE: reuse the one there if it still verifies, else create one."""
    from sidedeal.casework.common import ROLES, Actor
    from sidedeal.casework.keys import ensure_key_file

    if role not in ROLES:
        console.print(f"[red]error:[/red] --role must be one of {', '.join(ROLES)}, not {role!r}")
        raise typer.Exit(code=2)
    actor = Actor(key_id="cli", name="sidedeal keys ensure", role="admin", request_id="cli")
    with _errors(), _store(_settings()) as store:
        created = ensure_key_file(store, file, role, name or f"{role} key", actor)
    console.print(f"{'created a new' if created else 'kept the'} {role} key in {file}")


if __name__ == "__main__":
    app()
