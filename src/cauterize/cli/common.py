"""Shared CLI pieces: the --config option, the console, config loading with clean errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cauterize.config import Config, load_config

console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="cauterize.toml to use (default: $CAUTERIZE_CONFIG or ./cauterize.toml)."),
]


def get_config(path: Path | None) -> Config:
    try:
        return load_config(path)
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]config error:[/] {exc}")
        raise typer.Exit(2) from None
