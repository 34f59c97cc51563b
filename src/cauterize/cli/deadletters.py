"""``cauterize dead-letters``: what could not be ingested, where it was, and why."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from cauterize.cli.common import ConfigOption, console, get_config, untrusted


def dead_letters(
    run: Annotated[int | None, typer.Option(help="Only this ingest run.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line, for scripts.")] = False,
    config: ConfigOption = None,
) -> None:
    """List dead-lettered records with their source position and reason."""
    from cauterize.app import open_store

    store = open_store(get_config(config))
    if as_json:
        for row in store.dead_letters(run, limit):
            raw = row.get("raw")
            print(
                json.dumps(
                    {
                        **{k: v for k, v in row.items() if k != "raw"},
                        "raw": bytes(raw).decode("utf-8", "replace") if raw is not None else None,
                    },
                    default=str,
                    ensure_ascii=False,
                )
            )
        return
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
