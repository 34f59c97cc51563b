"""``cauterize ingest``: run files or stdin through the pipeline into the store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn
from rich.table import Table
from rich.text import Text

from cauterize.cli.common import ConfigOption, console, err_console, get_config, untrusted
from cauterize.config import describe
from cauterize.ingest.base import Adapter
from cauterize.ingest.registry import adapters, get_adapter
from cauterize.ingest.sources import FileSource, Source, StdinSource
from cauterize.pipeline import RunSummary
from cauterize.store.writer_lock import StoreBusy


def _formats_help() -> str:
    return "auto (detect from each record: files may mix formats), or one of: " + ", ".join(adapters())


def summary_table(summary: RunSummary) -> Table:
    t = Table(title=f"ingest run {summary.run_id}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    rate = summary.events_parsed / summary.seconds
    rows = [
        ("records read", summary.records),
        ("events parsed", summary.events_parsed),
        ("new events stored", summary.events_new),
        ("duplicates skipped", summary.duplicates),
        ("late (beyond reorder window)", summary.late),
        ("signals", summary.signals),
        *((f"decisions: {k}", v) for k, v in sorted(summary.decisions.items())),
        ("dead letters", summary.dead_letters),
        *((f"  {k}", v) for k, v in summary.dead_letter_reasons.most_common()),
        *(
            (("  already recorded by an earlier run", summary.dead_letters_known),)
            if summary.dead_letters_known
            else ()
        ),
        ("detector errors", summary.detector_errors),
        # Stored events read back into stateful detectors first: 0 when a saved state covered them.
        ("stored events replayed first", summary.replayed),
        ("seconds", f"{summary.seconds:.2f}"),
        ("events/s", f"{rate:,.0f}"),
    ]
    for k, v in rows:
        t.add_row(k, str(v))
    for name, stats in summary.per_source.items():
        formats = stats.get("formats") or ({stats["format"]: stats["records"]} if "format" in stats else {})
        # every source of a short list; of a long one, those that mixed formats or lost records
        if (1 < len(summary.per_source) <= 5) or len(formats) > 1 or stats["dead_letters"]:
            shown = ", ".join(f"{f} {n}" for f, n in sorted(formats.items())) or "no format"
            t.add_row(f"source {name}", f"{stats['records']} records ({shown})")
    return t


def run_notes(summary: RunSummary, window_seconds: float) -> list[str]:
    """Plain words on the counts an operator would otherwise puzzle over."""
    notes = [f"warning: {w}" for w in summary.warnings]
    if summary.late and summary.events_parsed and summary.late / summary.events_parsed >= 0.05:
        notes.append(
            f"note: {summary.late / summary.events_parsed:.0%} of events came more than {window_seconds:.0f} s "
            "behind newer ones (search and timeline captures are newest-first). They are all stored and "
            "scored; time-guarded state (handles, status) is never rolled back by them, but detectors saw "
            "them out of order. Give the files oldest-first, or raise [ingest] reorder_window_seconds."
        )
    if summary.records and not summary.events_parsed and not summary.dead_letters:
        notes.append(
            "note: the input was understood but holds nothing cauterize ingests (e.g. counts, lists or "
            "ids only): nothing was stored."
        )
    return notes


def ingest(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Input files (plain or .gz), several merged by event time; '-' reads stdin (then files are read in turn)."
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help=_formats_help())] = "auto",
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run's summary as one JSON object instead of a table.")
    ] = False,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="KEY=VALUE passed to the format's adapter (repeatable), e.g. kind=tweets."),
    ] = None,
) -> None:
    """Ingest platform events: adapters -> detectors -> policy -> store."""
    from cauterize.app import build_pipeline, open_store

    cfg = get_config(config)
    if not quiet:
        err_console.print(untrusted(describe(cfg)), soft_wrap=True)
    if fmt != "auto" and fmt not in adapters():
        err_console.print(f"[red]unknown format {fmt!r}[/]; {_formats_help()}")
        raise typer.Exit(2)
    sources: list[Source] = []
    for f in files:
        if str(f) == "-":
            sources.append(StdinSource(cfg.max_record_bytes))
        elif not f.is_file():
            err_console.print(Text("no such file: ", style="red") + untrusted(f))
            raise typer.Exit(2)
        else:
            sources.append(FileSource(f, cfg.max_record_bytes))
    store = open_store(cfg)
    pipeline = build_pipeline(cfg, store)
    adapter_or_name: str | Adapter = fmt
    options = dict(o.split("=", 1) for o in option or () if "=" in o)
    if len(options) != len(option or ()):
        err_console.print("[red]--option takes KEY=VALUE[/]")
        raise typer.Exit(2)
    if fmt.startswith("twitter-compliance") and "observed_at" in options:
        options["observed_at"] = datetime.fromisoformat(options["observed_at"])  # type: ignore[assignment]
    if fmt == "twitter-compliance-tweets" or (fmt == "twitter-compliance" and options.get("kind") != "users"):
        # A tweets job names the tweet, not its author: the author comes from the posts stored.
        options.setdefault("tweet_authors", lambda post_id: store.post_author("twitter", post_id))  # type: ignore[arg-type]
    if fmt == "twitter-compliance" and "kind" not in options:
        # A job line of unstated kind is about a post the store holds, else an account it holds.
        options["known_account"] = lambda uid: store.account("twitter", uid) is not None  # type: ignore[assignment]
    if options:
        if fmt == "auto":
            err_console.print("[red]--option needs --format[/]")
            raise typer.Exit(2)
        try:
            adapter_or_name = get_adapter(fmt, **options)
        except ValueError as exc:
            err_console.print(untrusted(exc))
            raise typer.Exit(2) from None
    total = sum(s.size() for s in sources if isinstance(s, FileSource))
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet or not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("ingest", total=total or None)

        def progress(_source: Source, record) -> None:  # type: ignore[no-untyped-def]
            bar.advance(task, len(record.data) + 1)

        try:
            summary = pipeline.run(sources, adapter_or_name, progress=progress)
        except StoreBusy as exc:
            err_console.print(untrusted(str(exc)))
            raise typer.Exit(3) from None
    if as_json:
        print(json.dumps({**summary.as_dict(), "notes": run_notes(summary, cfg.reorder_window_seconds)}, default=str))
        store.close()
        return
    console.print(summary_table(summary))
    for note in run_notes(summary, cfg.reorder_window_seconds):
        console.print(Text(note), soft_wrap=True)
    if summary.dead_letters:
        console.print(f"[yellow]{summary.dead_letters} record(s) dead-lettered:[/] see `cauterize dead-letters`")
    store.close()


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
