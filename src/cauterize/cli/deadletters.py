"""``cauterize dead-letters``: what could not be ingested, where it was, and why."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cauterize.cli.common import ConfigOption, console, get_config, untrusted


def dead_letters(
    run: Annotated[int | None, typer.Option(help="Only this ingest run.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
    config: ConfigOption = None,
) -> None:
    """List dead-lettered records with their source position and reason."""
    from cauterize.app import open_store

    store = open_store(get_config(config))
    t = Table("run", "source", "line", "where", "reason", "bytes")
    for row in store.dead_letters(run, limit):
        t.add_row(
            str(row["run_id"]),
            untrusted(row["source"]),
            str(row["position"]),
            untrusted(row["location"]),
            untrusted(row["reason"]),
            str(row["raw_size"]),
        )
    console.print(t)


def register(app: typer.Typer) -> None:
    app.command("dead-letters")(dead_letters)
